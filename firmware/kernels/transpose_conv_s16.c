#include "transpose_conv_s16.h"

/* The input index a filter tap reads for output position `o`, or -1 when none: the forward
 * convolution maps input i to output rows i * stride - pad + f. */
static int32_t mg_tap_source_s16(int32_t o, int32_t f, int32_t stride, int32_t pad, int32_t size)
{
    const int32_t t = o + pad - f;
    if (t < 0 || t % stride != 0 || t / stride >= size) {
        return -1;
    }
    return t / stride;
}

mg_status mg_transpose_conv_s16(const mg_transpose_conv_s16_params *p, const int16_t *in, int16_t *out)
{
    int32_t b, oy, ox, oc, fy, fx, c;
    if (p == NULL || p->filter == NULL || p->multipliers == NULL || p->shifts == NULL || in == NULL
        || out == NULL || p->stride_h < 1 || p->stride_w < 1) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) {
        const int16_t *image = in + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
        for (oy = 0; oy < p->out_h; ++oy) {
            for (ox = 0; ox < p->out_w; ++ox) {
                for (oc = 0; oc < p->out_c; ++oc) {
                    int64_t acc = 0; /* TFLM scatters into int64: integer sums do not depend on order */
                    int32_t v;
                    for (fy = 0; fy < p->filter_h; ++fy) {
                        const int32_t iy = mg_tap_source_s16(oy, fy, p->stride_h, p->pad_h, p->in_h);
                        if (iy < 0) {
                            continue;
                        }
                        for (fx = 0; fx < p->filter_w; ++fx) {
                            const int32_t ix = mg_tap_source_s16(ox, fx, p->stride_w, p->pad_w, p->in_w);
                            const int16_t *src;
                            const int8_t *w;
                            if (ix < 0) {
                                continue;
                            }
                            src = image + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)p->in_c;
                            w = p->filter + (((size_t)oc * (size_t)p->filter_h + (size_t)fy) * (size_t)p->filter_w
                                             + (size_t)fx) * (size_t)p->in_c;
                            for (c = 0; c < p->in_c; ++c) {
                                acc += (int32_t)src[c] * (int32_t)w[c];
                            }
                        }
                    }
                    if (p->bias != NULL) {
                        acc += p->bias[oc];
                    }
                    v = mg_requantize_s64(acc, p->multipliers[oc], p->shifts[oc]);
                    *out++ = (int16_t)mg_clamp_i32(v, -32768, 32767);
                }
            }
        }
    }
    return MG_OK;
}
