#include "average_pool_2d_dsp_s8.h"

#include "mg_dsp.h"

/* TFLM's rounding: half away from zero, then the activation range. */
static inline int8_t mean_of(int32_t sum, int32_t count, int32_t lo, int32_t hi)
{
    const int32_t q = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
    return (int8_t)mg_clamp_i32(q, lo, hi);
}

mg_status mg_average_pool_2d_dsp_s8(const mg_average_pool_2d_dsp_params *p, const int8_t *in, int8_t *out)
{
    int32_t b, oy, ox, c, row_bytes;
    if (p == NULL || in == NULL || out == NULL || p->scratch == NULL || p->channels % 4 != 0
        || p->filter_h * p->filter_w > 256) {
        return MG_ERR_ARG;
    }
    row_bytes = p->out_w * p->channels;
    for (b = 0; b < p->batches; ++b) {
        const int8_t *in_b = in + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->channels;
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            const int32_t y0 = mg_max_i32(iy0, 0), y1 = mg_min_i32(iy0 + p->filter_h, p->in_h);
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                const int32_t x0 = mg_max_i32(ix0, 0), x1 = mg_min_i32(ix0 + p->filter_w, p->in_w);
                const int32_t count = (y1 - y0) * (x1 - x0);
                int8_t *dst = p->scratch + ox * p->channels;
                if (count <= 0) {
                    for (c = 0; c < p->channels; ++c) {
                        dst[c] = 0;
                    }
                    continue;
                }
                for (c = 0; c < p->channels; c += 4) {
                    uint32_t even = 0, odd = 0; /* int16 lanes: channels (c, c+2) and (c+1, c+3) */
                    int32_t y, x;
                    for (y = y0; y < y1; ++y) {
                        const int8_t *px = in_b + ((size_t)y * (size_t)p->in_w + (size_t)x0) * (size_t)p->channels + c;
                        for (x = x0; x < x1; ++x, px += p->channels) {
                            const uint32_t w = mg_read_u32(px);
                            even = mg_sxtab16(even, w);
                            odd = mg_sxtab16_ror8(odd, w);
                        }
                    }
                    dst[c] = mean_of((int16_t)(even & 0xFFFFu), count, p->act_min, p->act_max);
                    dst[c + 1] = mean_of((int16_t)(odd & 0xFFFFu), count, p->act_min, p->act_max);
                    dst[c + 2] = mean_of((int16_t)(even >> 16), count, p->act_min, p->act_max);
                    dst[c + 3] = mean_of((int16_t)(odd >> 16), count, p->act_min, p->act_max);
                }
            }
            memcpy(out + ((size_t)b * (size_t)p->out_h + (size_t)oy) * (size_t)row_bytes, p->scratch,
                   (size_t)row_bytes);
        }
    }
    return MG_OK;
}

int32_t mg_average_pool_2d_dsp_s8_scratch_bytes(const mg_average_pool_2d_dsp_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->out_w * p->channels;
}
