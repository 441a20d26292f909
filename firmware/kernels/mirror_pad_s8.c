#include "mirror_pad_s8.h"

#define MG_MIRROR_PAD_MAX_DIMS 6

mg_status mg_mirror_pad_s8(const mg_mirror_pad_params *p, const int8_t *in, int8_t *out)
{
    int32_t idx[MG_MIRROR_PAD_MAX_DIMS] = {0};
    const int32_t *table[MG_MIRROR_PAD_MAX_DIMS];
    const int32_t *inner;
    int32_t d, i, row;
    if (p == NULL || in == NULL || out == NULL || p->rank < 1 || p->rank > MG_MIRROR_PAD_MAX_DIMS
        || p->dims == NULL || p->offsets == NULL) {
        return MG_ERR_ARG;
    }
    table[0] = p->offsets;
    for (d = 0; d < p->rank; ++d) {
        if (p->dims[d] <= 0) {
            return MG_OK;
        }
        if (d > 0) {
            table[d] = table[d - 1] + p->dims[d - 1];
        }
    }
    inner = table[p->rank - 1];
    row = p->dims[p->rank - 1];
    for (;;) {
        const int8_t *src = in;
        for (d = 0; d < p->rank - 1; ++d) {
            src += table[d][idx[d]];
        }
        for (i = 0; i < row; ++i) {
            *out++ = src[inner[i]];
        }
        for (d = p->rank - 2; d >= 0; --d) {
            if (++idx[d] < p->dims[d]) {
                break;
            }
            idx[d] = 0;
        }
        if (d < 0) {
            return MG_OK;
        }
    }
}
