#include "depthwise_conv_2d_mve_s8.h"

#include "mg_mve.h"

/* Eight channels from c on of one output pixel whose taps are tap[0 .. taps), requantized and
 * back in channel order as int16 lanes. `partial` (a constant): only the lanes `lanes` are
 * channels; `lean`: mg_mve_requantize_lean holds for every channel. */
static inline __attribute__((always_inline)) int16x8_t group(const mg_depthwise_conv_2d_mve_params *p,
                                                             const int8_t *const *tap, int32_t taps, int32_t c,
                                                             const int8_t *w, const int32_t *q, const int8_t *sh,
                                                             mve_pred16_t lanes, const int partial, const int lean)
{
    const int32x4_t lo = vdupq_n_s32(p->act_min), hi = vdupq_n_s32(p->act_max);
    int32x4_t even = vldrwq_s32(q), odd = vldrwq_s32(q + 4);
    int32x4_t m, s;
    int32_t t;
    for (t = 0; t < taps; ++t, w += 8) {
        const int16x8_t x = partial ? vldrbq_z_s16(tap[t] + c, lanes) : vldrbq_s16(tap[t] + c);
        const int16x8_t k = vldrbq_s16(w);
        even = vaddq_s32(even, vmullbq_int_s16(x, k));
        odd = vaddq_s32(odd, vmulltq_int_s16(x, k));
    }
    m = vldrwq_s32(q + 8);
    s = vldrbq_s32(sh);
    even = lean ? mg_mve_requantize_lean(even, m, s) : mg_mve_requantize_any(even, m, s);
    m = vldrwq_s32(q + 12);
    s = vldrbq_s32(sh + 4);
    odd = lean ? mg_mve_requantize_lean(odd, m, s) : mg_mve_requantize_any(odd, m, s);
    even = mg_mve_output(even, p->output_offset, lo, hi);
    odd = mg_mve_output(odd, p->output_offset, lo, hi);
    return vmovntq_s32(vmovnbq_s32(vdupq_n_s16(0), even), odd);
}

/* Every channel of one output pixel into dst. */
static inline __attribute__((always_inline)) void pixel(const mg_depthwise_conv_2d_mve_params *p,
                                                        const int8_t *const *tap, int8_t *dst, const int lean)
{
    const int32_t taps = p->filter_h * p->filter_w, channels = p->channels;
    const int8_t *w = p->filter;
    const int32_t *q = p->quant;
    const int8_t *sh = p->shift;
    int32_t c;
    for (c = 0; c + 8 <= channels; c += 8, w += taps * 8, q += 16, sh += 8) {
        vstrbq_s16(dst + c, group(p, tap, taps, c, w, q, sh, 0xFFFFu, 0, lean));
    }
    if (c < channels) {
        const mve_pred16_t lanes = vctp16q((uint32_t)(channels - c));
        vstrbq_p_s16(dst + c, group(p, tap, taps, c, w, q, sh, lanes, 1, lean), lanes);
    }
}

static void pixel_lean(const mg_depthwise_conv_2d_mve_params *p, const int8_t *const *tap, int8_t *dst)
{
    pixel(p, tap, dst, 1);
}

static void pixel_exact(const mg_depthwise_conv_2d_mve_params *p, const int8_t *const *tap, int8_t *dst)
{
    pixel(p, tap, dst, 0);
}

/* The taps of the window at (iy0, ix0) of the image `in`, in filter order; those outside the
 * image point at pad_row. */
static void window(const mg_depthwise_conv_2d_mve_params *p, const int8_t *in, const int8_t *pad_row,
                   int32_t iy0, int32_t ix0, const int8_t **tap)
{
    const size_t row_bytes = (size_t)p->in_w * (size_t)p->channels;
    const size_t dy = (size_t)p->dilation_h * row_bytes, dx = (size_t)p->dilation_w * (size_t)p->channels;
    int32_t fy, fx;
    if (iy0 >= 0 && ix0 >= 0 && iy0 + (p->filter_h - 1) * p->dilation_h < p->in_h
        && ix0 + (p->filter_w - 1) * p->dilation_w < p->in_w) {
        const int8_t *row = in + (size_t)iy0 * row_bytes + (size_t)ix0 * (size_t)p->channels;
        for (fy = 0; fy < p->filter_h; ++fy, row += dy) {
            const int8_t *x = row;
            for (fx = 0; fx < p->filter_w; ++fx, x += dx) {
                *tap++ = x;
            }
        }
        return;
    }
    for (fy = 0; fy < p->filter_h; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_h;
        for (fx = 0; fx < p->filter_w; ++fx) {
            const int32_t ix = ix0 + fx * p->dilation_w;
            *tap++ = (iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w)
                         ? in + (size_t)iy * row_bytes + (size_t)ix * (size_t)p->channels
                         : pad_row;
        }
    }
}

mg_status mg_depthwise_conv_2d_mve_s8(const mg_depthwise_conv_2d_mve_params *p, const int8_t *in, int8_t *out)
{
    const int8_t *tap[MG_DW_MVE_MAX_TAPS];
    mg_row_stream rows;
    int32_t ox;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->quant == NULL || p->shift == NULL
        || p->scratch == NULL || p->channels <= 0 || p->filter_h * p->filter_w > MG_DW_MVE_MAX_TAPS
        || ((uintptr_t)p->quant & 3u) != 0) {
        return MG_ERR_ARG;
    }
    mg_mve_fill(p->scratch, (int8_t)p->pad_value, p->channels);
    MG_STREAM_CHANNELS(&rows, p, in, out, p->scratch + p->channels); /* after the row of the zero point */
    while (mg_stream_next(&rows)) {
        const int32_t iy0 = rows.oy * p->stride_h - p->pad_top;
        for (ox = 0; ox < p->out_w; ++ox) {
            int8_t *dst = rows.row + (size_t)ox * (size_t)p->channels;
            window(p, rows.in, p->scratch, iy0, ox * p->stride_w - p->pad_left, tap);
            if (p->lean) {
                pixel_lean(p, tap, dst);
            } else {
                pixel_exact(p, tap, dst);
            }
        }
    }
    return MG_OK;
}

int32_t mg_depthwise_conv_2d_mve_s8_scratch_bytes(const mg_depthwise_conv_2d_mve_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->channels + p->out_w * p->channels;
}
