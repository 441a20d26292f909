#include "conv_2d_s16.h"

mg_status mg_conv_2d_s16(const mg_conv_2d_s16_params *p, const int16_t *in, int16_t *out)
{
    int32_t b, oy, ox, oc, ky, kx, ic;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->bias == NULL || p->multiplier == NULL
        || p->shift == NULL || p->filter_in_c <= 0 || p->in_c % p->filter_in_c != 0) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) {
        const int16_t *image = in + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
        for (oy = 0; oy < p->out_h; ++oy) {
            for (ox = 0; ox < p->out_w; ++ox) {
                for (oc = 0; oc < p->out_c; ++oc) {
                    const int32_t group = oc / (p->out_c / (p->in_c / p->filter_in_c));
                    const int8_t *w = p->filter + (size_t)oc * (size_t)p->filter_h * (size_t)p->filter_w
                                                      * (size_t)p->filter_in_c;
                    int64_t acc = 0;
                    int32_t v;
                    for (ky = 0; ky < p->filter_h; ++ky) {
                        const int32_t iy = oy * p->stride_h - p->pad_top + ky * p->dilation_h;
                        for (kx = 0; kx < p->filter_w; ++kx) {
                            const int32_t ix = ox * p->stride_w - p->pad_left + kx * p->dilation_w;
                            const int8_t *wk = w + ((size_t)ky * (size_t)p->filter_w + (size_t)kx)
                                                       * (size_t)p->filter_in_c;
                            const int16_t *x;
                            if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
                                continue;
                            }
                            x = image + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)p->in_c
                                + (size_t)group * (size_t)p->filter_in_c;
                            for (ic = 0; ic < p->filter_in_c; ++ic) {
                                acc += (int64_t)x[ic] * (int64_t)wk[ic];
                            }
                        }
                    }
                    acc += p->bias[oc];
                    v = mg_requantize_s64(acc, p->multiplier[oc], p->shift[oc]);
                    *out++ = (int16_t)mg_clamp_i32(v, p->act_min, p->act_max);
                }
            }
        }
    }
    return MG_OK;
}
