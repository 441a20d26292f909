#include "conv_2d_s8.h"

static int32_t dot_s8(const int8_t *a, const int8_t *b, int32_t n)
{
    int32_t acc = 0;
    int32_t i;
    for (i = 0; i < n; ++i) {
        acc += (int32_t)a[i] * (int32_t)b[i];
    }
    return acc;
}

/* Sum of w * x over one window without the bias. TFLM skips taps outside the image; with the
 * input offset folded into the bias (bias + input_offset * sum(w)), skipping a tap equals reading
 * the input zero point (-input_offset) there, which is what this does. Used at borders, with
 * dilation and for grouped convolution. */
static int32_t window_general(const mg_conv_2d_params *p, const int8_t *in_b, const int8_t *w,
                              int32_t iy0, int32_t ix0, int32_t channel_base)
{
    const int32_t pad = -p->input_offset;
    int32_t acc = 0;
    int32_t fy, fx, ic;
    for (fy = 0; fy < p->filter_h; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_h;
        for (fx = 0; fx < p->filter_w; ++fx) {
            const int32_t ix = ix0 + fx * p->dilation_w;
            const int8_t *wk = w + ((size_t)fy * (size_t)p->filter_w + (size_t)fx) * (size_t)p->filter_in_c;
            if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
                for (ic = 0; ic < p->filter_in_c; ++ic) {
                    acc += (int32_t)wk[ic] * pad;
                }
            } else {
                const int8_t *x = in_b + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)p->in_c
                                  + (size_t)channel_base;
                acc += dot_s8(wk, x, p->filter_in_c);
            }
        }
    }
    return acc;
}

mg_status mg_conv_2d_s8(const mg_conv_2d_params *p, const int8_t *in, int8_t *out)
{
    int32_t b, oy, ox, oc, fy;
    int32_t filters_per_group;
    int32_t filter_size;
    int32_t row_bytes;
    int32_t contiguous;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->scratch == NULL
        || p->filter_in_c <= 0 || p->in_c % p->filter_in_c != 0) {
        return MG_ERR_ARG;
    }
    filters_per_group = p->out_c / (p->in_c / p->filter_in_c);
    filter_size = p->filter_h * p->filter_w * p->filter_in_c;
    row_bytes = p->out_w * p->out_c;
    /* one dot product per filter row when a window row is contiguous in memory */
    contiguous = p->filter_in_c == p->in_c && p->dilation_w == 1;
    for (b = 0; b < p->batches; ++b) {
        const int8_t *in_b = in + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            const int32_t rows_inside = iy0 >= 0 && iy0 + (p->filter_h - 1) * p->dilation_h < p->in_h;
            int8_t *dst = p->scratch;
            int32_t i;
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                const int32_t fast = contiguous && rows_inside && ix0 >= 0
                                     && ix0 + p->filter_w - 1 < p->in_w;
                for (oc = 0; oc < p->out_c; ++oc) {
                    const int8_t *w = p->filter + (size_t)oc * (size_t)filter_size;
                    int32_t acc = p->bias_folded[oc];
                    if (fast) {
                        const int32_t span = p->filter_w * p->in_c;
                        for (fy = 0; fy < p->filter_h; ++fy) {
                            const int32_t iy = iy0 + fy * p->dilation_h;
                            acc += dot_s8(w + (size_t)fy * (size_t)span,
                                          in_b + ((size_t)iy * (size_t)p->in_w + (size_t)ix0) * (size_t)p->in_c,
                                          span);
                        }
                    } else {
                        const int32_t group = oc / filters_per_group;
                        acc += window_general(p, in_b, w, iy0, ix0, group * p->filter_in_c);
                    }
                    acc = mg_requantize(acc, p->multiplier[oc], p->shift[oc]) + p->output_offset;
                    dst[oc] = (int8_t)mg_clamp_i32(acc, p->act_min, p->act_max);
                }
                dst += p->out_c;
            }
            /* the whole row is computed: only now may it overwrite input rows already consumed */
            dst = out + ((size_t)b * (size_t)p->out_h + (size_t)oy) * (size_t)row_bytes;
            for (i = 0; i < row_bytes; ++i) {
                dst[i] = p->scratch[i];
            }
        }
    }
    return MG_OK;
}
