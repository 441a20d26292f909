#include "transpose_conv_s8.h"

/* The input index a filter tap reads for output position `o`, or -1 when none: the forward
 * convolution maps input i to output rows i * stride - pad + f. */
static int32_t mg_tap_source(int32_t o, int32_t f, int32_t stride, int32_t pad, int32_t size)
{
    const int32_t t = o + pad - f;
    if (t < 0 || t % stride != 0 || t / stride >= size) {
        return -1;
    }
    return t / stride;
}

mg_status mg_transpose_conv_s8(const mg_transpose_conv_params *p, const int8_t *in, int8_t *out)
{
    int32_t b, oy, ox, oc, fy, fx, c;
    if (p == NULL || p->filter == NULL || p->multipliers == NULL || p->shifts == NULL || in == NULL
        || out == NULL || p->stride_h < 1 || p->stride_w < 1) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) {
        const int8_t *image = in + b * p->in_h * p->in_w * p->in_c;
        for (oy = 0; oy < p->out_h; ++oy) {
            for (ox = 0; ox < p->out_w; ++ox) {
                for (oc = 0; oc < p->out_c; ++oc) {
                    int32_t acc = 0, v;
                    for (fy = 0; fy < p->filter_h; ++fy) {
                        const int32_t iy = mg_tap_source(oy, fy, p->stride_h, p->pad_h, p->in_h);
                        if (iy < 0) {
                            continue;
                        }
                        for (fx = 0; fx < p->filter_w; ++fx) {
                            const int32_t ix = mg_tap_source(ox, fx, p->stride_w, p->pad_w, p->in_w);
                            const int8_t *src, *w;
                            if (ix < 0) {
                                continue;
                            }
                            src = image + (iy * p->in_w + ix) * p->in_c;
                            w = p->filter + ((oc * p->filter_h + fy) * p->filter_w + fx) * p->in_c;
                            for (c = 0; c < p->in_c; ++c) {
                                acc += ((int32_t)src[c] + p->input_offset) * w[c];
                            }
                        }
                    }
                    if (p->bias != NULL) {
                        acc += p->bias[oc];
                    }
                    v = mg_requantize(acc, p->multipliers[oc], p->shifts[oc]) + p->output_offset;
                    *out++ = (int8_t)mg_clamp_i32(v, -128, 127);
                }
            }
        }
    }
    return MG_OK;
}
