/* The int16 pooling kernels (AVERAGE_POOL_2D and MAX_POOL_2D on 16x8 models): one params struct
 * and one walk over the output pixels, each window clipped to the image (TFLM skips the padding).
 * They write the output directly (no row streaming), so the planner never overlaps it with the
 * input (mcugen/arena/aliasing.py streams int8 only). */
#ifndef MG_POOL_2D_S16_H
#define MG_POOL_2D_S16_H

#include "mg_stream.h" /* MG_CHANNEL_WINDOW_FIELDS */

typedef struct {
    MG_CHANNEL_WINDOW_FIELDS
    int32_t pad_top, pad_left;
    int32_t act_min, act_max;
} mg_pool_2d_s16_params;

typedef mg_pool_2d_s16_params mg_average_pool_2d_s16_params;
typedef mg_pool_2d_s16_params mg_max_pool_2d_s16_params;

mg_status mg_average_pool_2d_s16(const mg_average_pool_2d_s16_params *p, const int16_t *in, int16_t *out);
mg_status mg_max_pool_2d_s16(const mg_max_pool_2d_s16_params *p, const int16_t *in, int16_t *out);

/* Reduces channel c over the taps [y0, y1) x [x0, x1): their sum, or with `max` their largest
 * value (starting from INT16_MIN, as TFLM's numeric_limits<int16_t>::lowest()). */
static inline int32_t mg_pool_2d_s16_reduce(const mg_pool_2d_s16_params *p, const int16_t *image, int32_t y0,
                                            int32_t y1, int32_t x0, int32_t x1, int32_t c, int max)
{
    int32_t acc = max ? INT16_MIN : 0;
    int32_t iy, ix;
    for (iy = y0; iy < y1; ++iy) {
        const int16_t *x = image + ((size_t)iy * (size_t)p->in_w) * (size_t)p->channels + (size_t)c;
        for (ix = x0; ix < x1; ++ix) {
            const int32_t v = x[(size_t)ix * (size_t)p->channels];
            acc = max ? mg_max_i32(acc, v) : acc + v;
        }
    }
    return acc;
}

/* Every output value of the pool: the mean (rounded half away from zero, as TFLM) or the max of
 * its clipped window, clamped to the fused activation range. */
static inline mg_status mg_pool_2d_s16_run(const mg_pool_2d_s16_params *p, const int16_t *in, int16_t *out,
                                           int max)
{
    int32_t b, oy, ox, c;
    if (p == NULL || in == NULL || out == NULL) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) {
        const int16_t *image = in + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->channels;
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            const int32_t y0 = mg_max_i32(0, iy0), y1 = mg_min_i32(p->in_h, iy0 + p->filter_h);
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                const int32_t x0 = mg_max_i32(0, ix0), x1 = mg_min_i32(p->in_w, ix0 + p->filter_w);
                const int32_t count = (y1 - y0) * (x1 - x0);
                if (count <= 0) {
                    return MG_ERR_ARG;
                }
                for (c = 0; c < p->channels; ++c) {
                    int32_t v = mg_pool_2d_s16_reduce(p, image, y0, y1, x0, x1, c, max);
                    if (!max) {
                        v = v > 0 ? (v + count / 2) / count : (v - count / 2) / count;
                    }
                    *out++ = (int16_t)mg_clamp_i32(v, p->act_min, p->act_max);
                }
            }
        }
    }
    return MG_OK;
}

#endif /* MG_POOL_2D_S16_H */
