#include "gather_s8.h"

mg_status mg_gather_s8(const mg_gather_params *p, const int8_t *values, const int32_t *positions,
                       int8_t *out)
{
    int32_t b, o, c, i;
    if (p == NULL || values == NULL || positions == NULL || out == NULL || p->batch_size < 0
        || p->outer_size < 0 || p->axis_size < 0 || p->coord_size < 0 || p->inner_size < 0) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batch_size; ++b) {
        const int32_t *pos = positions + (size_t)b * (size_t)p->coord_size;
        for (o = 0; o < p->outer_size; ++o) {
            const int8_t *base = values + ((size_t)b * (size_t)p->outer_size + (size_t)o)
                                              * (size_t)p->axis_size * (size_t)p->inner_size;
            for (c = 0; c < p->coord_size; ++c) {
                const int8_t *src;
                if (pos[c] < 0 || pos[c] >= p->axis_size) {
                    return MG_ERR_ARG;
                }
                src = base + (size_t)pos[c] * (size_t)p->inner_size;
                for (i = 0; i < p->inner_size; ++i) {
                    *out++ = src[i];
                }
            }
        }
    }
    return MG_OK;
}
