#include "pad_s16.h"

#define MG_PAD_S16_MAX_DIMS 6

mg_status mg_pad_s16(const mg_pad_s16_params *p, const int16_t *in, int16_t *out)
{
    int32_t idx[MG_PAD_S16_MAX_DIMS] = {0};
    int32_t i, d, row, dst;
    if (p == NULL || in == NULL || out == NULL || p->rank < 1 || p->rank > MG_PAD_S16_MAX_DIMS
        || p->output_size < 0) {
        return MG_ERR_ARG;
    }
    for (i = 0; i < p->output_size; ++i) {
        out[i] = (int16_t)p->pad_value;
    }
    /* copy the input one innermost row at a time to its place in the output */
    row = p->input_dims[p->rank - 1];
    dst = p->first;
    for (;;) {
        for (i = 0; i < row; ++i) {
            out[dst + i] = in[i];
        }
        in += row;
        for (d = p->rank - 2; d >= 0; --d) {
            dst += p->output_strides[d];
            if (++idx[d] < p->input_dims[d]) {
                break;
            }
            dst -= p->output_strides[d] * p->input_dims[d];
            idx[d] = 0;
        }
        if (d < 0) {
            return MG_OK;
        }
    }
}
