#include "average_pool_2d_s8.h"

mg_status mg_average_pool_2d_s8(const mg_average_pool_2d_params *p, const int8_t *in, int8_t *out)
{
    int32_t b, oy, ox, c, iy, ix, i;
    const int32_t row_bytes = p == NULL ? 0 : p->out_w * p->channels;
    if (p == NULL || in == NULL || out == NULL || p->scratch == NULL) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) {
        const int8_t *in_b = in + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->channels;
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            const int32_t y_start = mg_max_i32(0, iy0);
            const int32_t y_end = mg_min_i32(p->in_h, iy0 + p->filter_h);
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                const int32_t x_start = mg_max_i32(0, ix0);
                const int32_t x_end = mg_min_i32(p->in_w, ix0 + p->filter_w);
                const int32_t count = (y_end - y_start) * (x_end - x_start);
                int8_t *dst = p->scratch + (size_t)ox * (size_t)p->channels;
                if (count <= 0) {
                    return MG_ERR_ARG;
                }
                for (c = 0; c < p->channels; ++c) {
                    int32_t acc = 0;
                    for (iy = y_start; iy < y_end; ++iy) {
                        const int8_t *x = in_b + ((size_t)iy * (size_t)p->in_w) * (size_t)p->channels + (size_t)c;
                        for (ix = x_start; ix < x_end; ++ix) {
                            acc += x[(size_t)ix * (size_t)p->channels];
                        }
                    }
                    acc = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                    dst[c] = (int8_t)mg_clamp_i32(acc, p->act_min, p->act_max);
                }
            }
            {
                int8_t *row = out + ((size_t)b * (size_t)p->out_h + (size_t)oy) * (size_t)row_bytes;
                for (i = 0; i < row_bytes; ++i) {
                    row[i] = p->scratch[i];
                }
            }
        }
    }
    return MG_OK;
}

int32_t mg_average_pool_2d_s8_scratch_bytes(const mg_average_pool_2d_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->out_w * p->channels;
}
