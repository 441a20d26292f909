#include "depthwise_conv_2d_s8.h"

/* Channels are accumulated in chunks on the stack: taps outer, channels inner, so the inner
 * loop walks weights and input contiguously. */
#define MG_DW_CHUNK 32

mg_status mg_depthwise_conv_2d_s8(const mg_depthwise_conv_2d_params *p, const int8_t *in, int8_t *out)
{
    int32_t acc[MG_DW_CHUNK];
    int32_t b, oy, ox, c0, fy, fx, k;
    int32_t row_bytes;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->scratch == NULL
        || p->depth_multiplier <= 0 || p->out_c != p->in_c * p->depth_multiplier) {
        return MG_ERR_ARG;
    }
    row_bytes = p->out_w * p->out_c;
    for (b = 0; b < p->batches; ++b) {
        const int8_t *in_b = in + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            const int32_t rows_inside = iy0 >= 0 && iy0 + (p->filter_h - 1) * p->dilation_h < p->in_h;
            int8_t *dst = p->scratch;
            for (ox = 0; ox < p->out_w; ++ox) {
                const int32_t ix0 = ox * p->stride_w - p->pad_left;
                const int32_t inside = rows_inside && ix0 >= 0
                                       && ix0 + (p->filter_w - 1) * p->dilation_w < p->in_w;
                for (c0 = 0; c0 < p->out_c; c0 += MG_DW_CHUNK) {
                    const int32_t n = mg_min_i32(MG_DW_CHUNK, p->out_c - c0);
                    for (k = 0; k < n; ++k) {
                        acc[k] = p->bias_folded[c0 + k];
                    }
                    for (fy = 0; fy < p->filter_h; ++fy) {
                        const int32_t iy = iy0 + fy * p->dilation_h;
                        for (fx = 0; fx < p->filter_w; ++fx) {
                            const int32_t ix = ix0 + fx * p->dilation_w;
                            const int8_t *w = p->filter
                                              + ((size_t)fy * (size_t)p->filter_w + (size_t)fx) * (size_t)p->out_c
                                              + (size_t)c0;
                            const int8_t *x;
                            if (!inside && (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w)) {
                                /* TFLM skips this tap; with the input offset folded into the
                                 * bias that equals reading the input zero point here */
                                for (k = 0; k < n; ++k) {
                                    acc[k] -= (int32_t)w[k] * p->input_offset;
                                }
                                continue;
                            }
                            x = in_b + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)p->in_c;
                            if (p->depth_multiplier == 1) {
                                const int8_t *xc = x + c0;
                                for (k = 0; k < n; ++k) {
                                    acc[k] += (int32_t)w[k] * (int32_t)xc[k];
                                }
                            } else {
                                for (k = 0; k < n; ++k) {
                                    acc[k] += (int32_t)w[k] * (int32_t)x[(c0 + k) / p->depth_multiplier];
                                }
                            }
                        }
                    }
                    for (k = 0; k < n; ++k) {
                        const int32_t c = c0 + k;
                        const int32_t v = mg_requantize(acc[k], p->multiplier[c], p->shift[c]) + p->output_offset;
                        dst[c] = (int8_t)mg_clamp_i32(v, p->act_min, p->act_max);
                    }
                }
                dst += p->out_c;
            }
            /* the whole row is computed: only now may it overwrite input rows already consumed */
            dst = out + ((size_t)b * (size_t)p->out_h + (size_t)oy) * (size_t)row_bytes;
            for (k = 0; k < row_bytes; ++k) {
                dst[k] = p->scratch[k];
            }
        }
    }
    return MG_OK;
}
