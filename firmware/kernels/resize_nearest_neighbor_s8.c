#include "resize_nearest_neighbor_s8.h"

mg_status mg_resize_nearest_neighbor_s8(const mg_resize_nearest_neighbor_params *p, const int8_t *in,
                                        int8_t *out)
{
    int32_t b, y, x, c;
    if (p == NULL || p->rows == NULL || p->cols == NULL || in == NULL || out == NULL || p->depth < 0) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) {
        for (y = 0; y < p->out_h; ++y) {
            const int8_t *row = MG_RESIZE_ROW(p, in, b, p->rows[y]);
            for (x = 0; x < p->out_w; ++x) {
                const int8_t *pixel = row + p->cols[x] * p->depth;
                for (c = 0; c < p->depth; ++c) {
                    *out++ = pixel[c];
                }
            }
        }
    }
    return MG_OK;
}
