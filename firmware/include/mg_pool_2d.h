/* The pooling kernels (AVERAGE_POOL_2D and MAX_POOL_2D, and the DSP average pool): what they
 * share, and their declarations. One params struct; one walk over the output pixels, rows
 * streamed through scratch (mg_stream.h), each pixel's window clipped to the image (TFLM skips
 * the padding) and handed to the kernel's own per-pixel function; TFLM's rounded mean. */
#ifndef MG_POOL_2D_H
#define MG_POOL_2D_H

#include "mg_stream.h"

typedef struct {
    MG_CHANNEL_WINDOW_FIELDS
    int32_t pad_top, pad_left;
    int32_t act_min, act_max;
    int8_t *scratch; /* out_w * channels bytes: one output row */
} mg_pool_2d_params;

typedef mg_pool_2d_params mg_average_pool_2d_params;
typedef mg_pool_2d_params mg_average_pool_2d_dsp_params;
typedef mg_pool_2d_params mg_max_pool_2d_params;
typedef mg_pool_2d_params mg_max_pool_2d_dsp_params;

/* out = the pooled input, NHWC (kernels' own comments: average_pool_2d_s8.h, ...). */
mg_status mg_average_pool_2d_s8(const mg_average_pool_2d_params *p, const int8_t *in, int8_t *out);
mg_status mg_average_pool_2d_dsp_s8(const mg_average_pool_2d_dsp_params *p, const int8_t *in, int8_t *out);
mg_status mg_max_pool_2d_s8(const mg_max_pool_2d_params *p, const int8_t *in, int8_t *out);
mg_status mg_max_pool_2d_dsp_s8(const mg_max_pool_2d_dsp_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: one output row (out_w * channels)
 * (-1 when p is NULL). The twins of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_average_pool_2d_s8_scratch_bytes(const mg_average_pool_2d_params *p);
int32_t mg_average_pool_2d_dsp_s8_scratch_bytes(const mg_average_pool_2d_dsp_params *p);
int32_t mg_max_pool_2d_s8_scratch_bytes(const mg_max_pool_2d_params *p);
int32_t mg_max_pool_2d_dsp_s8_scratch_bytes(const mg_max_pool_2d_dsp_params *p);

static inline int32_t mg_pool_2d_scratch_bytes(const mg_pool_2d_params *p)
{
    return p == NULL ? -1 : p->out_w * p->channels;
}

/* An output pixel's window clipped to the image: taps [y0, y1) x [x0, x1), count of them. */
typedef struct {
    int32_t y0, y1, x0, x1, count;
} mg_pool_window;

/* Computes the output pixel of window `w` of the image `in` into dst[0 .. channels). */
typedef mg_status (*mg_pool_pixel_fn)(const mg_pool_2d_params *p, const int8_t *in, const mg_pool_window *w,
                                      int8_t *dst);

/* Runs `pixel` on every output pixel, in raster order, and stops at its first error. */
static inline mg_status mg_pool_2d_run(const mg_pool_2d_params *p, const int8_t *in, int8_t *out,
                                       mg_pool_pixel_fn pixel)
{
    mg_row_stream rows;
    mg_pool_window w;
    int32_t ox;
    if (p == NULL || in == NULL || out == NULL || p->scratch == NULL) {
        return MG_ERR_ARG;
    }
    MG_STREAM_CHANNELS(&rows, p, in, out, p->scratch);
    while (mg_stream_next(&rows)) {
        const int32_t iy0 = rows.oy * p->stride_h - p->pad_top;
        w.y0 = mg_max_i32(0, iy0);
        w.y1 = mg_min_i32(p->in_h, iy0 + p->filter_h);
        for (ox = 0; ox < p->out_w; ++ox) {
            const int32_t ix0 = ox * p->stride_w - p->pad_left;
            mg_status status;
            w.x0 = mg_max_i32(0, ix0);
            w.x1 = mg_min_i32(p->in_w, ix0 + p->filter_w);
            w.count = (w.y1 - w.y0) * (w.x1 - w.x0);
            status = pixel(p, rows.in, &w, rows.row + (size_t)ox * (size_t)p->channels);
            if (status != MG_OK) {
                return status;
            }
        }
    }
    return MG_OK;
}

/* TFLM's average: sum / count rounded half away from zero, then the activation range. */
static inline int8_t mg_pool_2d_mean(int32_t sum, int32_t count, int32_t act_min, int32_t act_max)
{
    const int32_t q = sum > 0 ? (sum + count / 2) / count : (sum - count / 2) / count;
    return (int8_t)mg_clamp_i32(q, act_min, act_max);
}

/* The portable kernels' reduction of channel c over the window: the sum of its taps, or with
 * `max` (a constant of the calling kernel) the largest of them and -128. */
static inline int32_t mg_pool_2d_reduce(const mg_pool_2d_params *p, const int8_t *in, const mg_pool_window *w,
                                        int32_t c, int max)
{
    int32_t acc = max ? -128 : 0;
    int32_t iy, ix;
    for (iy = w->y0; iy < w->y1; ++iy) {
        const int8_t *x = in + ((size_t)iy * (size_t)p->in_w) * (size_t)p->channels + (size_t)c;
        for (ix = w->x0; ix < w->x1; ++ix) {
            const int32_t v = x[(size_t)ix * (size_t)p->channels];
            acc = max ? mg_max_i32(acc, v) : acc + v;
        }
    }
    return acc;
}

#endif /* MG_POOL_2D_H */
