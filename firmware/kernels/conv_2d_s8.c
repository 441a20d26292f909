#include "conv_2d_s8.h"

#include "mg_stream.h"

/* acc[j] += w[j * n ..] . x over n bytes for four output channels: each input byte is
 * loaded once for four multiply-accumulates. */
static void dot4_s8(const int8_t *x, const int8_t *w, int32_t n, int32_t acc[4])
{
    const int8_t *w0 = w, *w1 = w + n, *w2 = w + 2 * n, *w3 = w + 3 * n;
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int32_t i;
    for (i = 0; i < n; ++i) {
        const int32_t xi = x[i];
        a0 += xi * w0[i];
        a1 += xi * w1[i];
        a2 += xi * w2[i];
        a3 += xi * w3[i];
    }
    acc[0] += a0;
    acc[1] += a1;
    acc[2] += a2;
    acc[3] += a3;
}

/* acc0 += w0 . x and acc1 += w1 . x over n bytes: two output channels share each input load. */
static void dot2_s8(const int8_t *x, const int8_t *w0, const int8_t *w1, int32_t n,
                    int32_t *acc0, int32_t *acc1)
{
    int32_t a0 = 0, a1 = 0, b0 = 0, b1 = 0;
    int32_t i = 0;
    for (; i + 2 <= n; i += 2) {
        const int32_t x0 = x[i], x1 = x[i + 1];
        a0 += x0 * w0[i];
        a1 += x0 * w1[i];
        b0 += x1 * w0[i + 1];
        b1 += x1 * w1[i + 1];
    }
    if (i < n) {
        a0 += (int32_t)x[i] * w0[i];
        a1 += (int32_t)x[i] * w1[i];
    }
    *acc0 += a0 + b0;
    *acc1 += a1 + b1;
}

static int32_t dot_s8(const int8_t *x, const int8_t *w, int32_t n)
{
    int32_t a = 0, b = 0;
    int32_t i = 0;
    for (; i + 2 <= n; i += 2) {
        a += (int32_t)x[i] * w[i];
        b += (int32_t)x[i + 1] * w[i + 1];
    }
    if (i < n) {
        a += (int32_t)x[i] * w[i];
    }
    return a + b;
}

/* Copies the window at (iy0, ix0) for channels [c0, c0 + filter_in_c) into `patch` in filter
 * order. TFLM skips taps outside the image; with the input offset folded into the bias,
 * skipping a tap equals reading the input zero point there, which is what the patch holds. */
static void gather(const mg_conv_2d_params *p, const int8_t *in_b, int32_t iy0, int32_t ix0, int32_t c0,
                   int8_t *patch)
{
    const int8_t pad = (int8_t)(-p->input_offset);
    int32_t fy, fx, ic;
    for (fy = 0; fy < p->filter_h; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_h;
        for (fx = 0; fx < p->filter_w; ++fx) {
            const int32_t ix = ix0 + fx * p->dilation_w;
            if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
                for (ic = 0; ic < p->filter_in_c; ++ic) {
                    patch[ic] = pad;
                }
            } else {
                const int8_t *x = in_b + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)p->in_c + (size_t)c0;
                for (ic = 0; ic < p->filter_in_c; ++ic) {
                    patch[ic] = x[ic];
                }
            }
            patch += p->filter_in_c;
        }
    }
}

static int8_t output_value(const mg_conv_2d_params *p, int32_t acc, int32_t oc)
{
    const int32_t v = mg_requantize(acc, p->multiplier[oc], p->shift[oc]) + p->output_offset;
    return (int8_t)mg_clamp_i32(v, p->act_min, p->act_max);
}

mg_status mg_conv_2d_s8(const mg_conv_2d_params *p, const int8_t *in, int8_t *out)
{
    mg_row_stream rows;
    int32_t ox, g, oc, i;
    int32_t groups, per_group, k, direct;
    int8_t *patch;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->scratch == NULL
        || p->filter_in_c <= 0 || p->in_c % p->filter_in_c != 0) {
        return MG_ERR_ARG;
    }
    groups = p->in_c / p->filter_in_c;
    per_group = p->out_c / groups;
    k = p->filter_h * p->filter_w * p->filter_in_c;
    patch = p->scratch + p->out_w * p->out_c;
    /* a 1x1 ungrouped window is the input pixel itself (never padded): no copy */
    direct = p->filter_h == 1 && p->filter_w == 1 && groups == 1;
    mg_stream_start(&rows, in, (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c, out, p->batches, p->out_h,
                    p->out_w * p->out_c, p->scratch);
    while (mg_stream_next(&rows)) {
        const int32_t iy0 = rows.oy * p->stride_h - p->pad_top;
        const int8_t *in_b = rows.in;
        int8_t *dst = rows.row;
        for (ox = 0; ox < p->out_w; ++ox) {
            const int32_t ix0 = ox * p->stride_w - p->pad_left;
            for (g = 0; g < groups; ++g) {
                const int32_t end = (g + 1) * per_group;
                const int8_t *x = patch;
                if (direct) {
                    x = in_b + ((size_t)iy0 * (size_t)p->in_w + (size_t)ix0) * (size_t)p->in_c;
                } else {
                    gather(p, in_b, iy0, ix0, g * p->filter_in_c, patch);
                }
                for (oc = g * per_group; oc + 3 < end; oc += 4) {
                    int32_t acc[4];
                    acc[0] = p->bias_folded[oc];
                    acc[1] = p->bias_folded[oc + 1];
                    acc[2] = p->bias_folded[oc + 2];
                    acc[3] = p->bias_folded[oc + 3];
                    dot4_s8(x, p->filter + (size_t)oc * (size_t)k, k, acc);
                    for (i = 0; i < 4; ++i) {
                        dst[oc + i] = output_value(p, acc[i], oc + i);
                    }
                }
                for (; oc + 1 < end; oc += 2) {
                    const int8_t *w0 = p->filter + (size_t)oc * (size_t)k;
                    int32_t acc0 = p->bias_folded[oc];
                    int32_t acc1 = p->bias_folded[oc + 1];
                    dot2_s8(x, w0, w0 + k, k, &acc0, &acc1);
                    dst[oc] = output_value(p, acc0, oc);
                    dst[oc + 1] = output_value(p, acc1, oc + 1);
                }
                if (oc < end) {
                    const int32_t acc = p->bias_folded[oc] + dot_s8(x, p->filter + (size_t)oc * (size_t)k, k);
                    dst[oc] = output_value(p, acc, oc);
                }
            }
            dst += p->out_c;
        }
    }
    return MG_OK;
}

int32_t mg_conv_2d_s8_scratch_bytes(const mg_conv_2d_params *p)
{
    if (p == NULL) {
        return -1;
    }
    if (p->filter_h == 1 && p->filter_w == 1 && p->filter_in_c == p->in_c) {
        return p->out_w * p->out_c; /* the window is the input pixel itself: no copy */
    }
    return p->out_w * p->out_c + p->filter_h * p->filter_w * p->filter_in_c;
}
