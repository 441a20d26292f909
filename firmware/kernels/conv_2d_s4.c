#include "conv_2d_s4.h"

#include "mg_stream.h"

/* element i of a packed int4 array, sign-extended */
static int32_t int4_at(const uint8_t *w, size_t i)
{
    const int32_t nibble = (i & 1u) ? (int32_t)(w[i >> 1] >> 4) : (int32_t)(w[i >> 1] & 0x0Fu);
    return (nibble ^ 8) - 8;
}

/* x . w[base .. base + n) with w packed int4 */
static int32_t dot_s4(const int8_t *x, const uint8_t *w, size_t base, int32_t n)
{
    int32_t a = 0;
    int32_t i;
    for (i = 0; i < n; ++i) {
        a += (int32_t)x[i] * int4_at(w, base + (size_t)i);
    }
    return a;
}

/* Copies the window at (iy0, ix0) for channels [c0, c0 + filter_in_c) into `patch` in filter
 * order. TFLM skips taps outside the image; with the input offset folded into the bias,
 * skipping a tap equals reading the input zero point there, which is what the patch holds. */
static void gather(const mg_conv_2d_s4_params *p, const int8_t *in_b, int32_t iy0, int32_t ix0, int32_t c0,
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

static int8_t output_value(const mg_conv_2d_s4_params *p, int32_t acc, int32_t oc)
{
    const int32_t v = mg_requantize(acc, p->multiplier[oc], p->shift[oc]) + p->output_offset;
    return (int8_t)mg_clamp_i32(v, p->act_min, p->act_max);
}

mg_status mg_conv_2d_s4(const mg_conv_2d_s4_params *p, const int8_t *in, int8_t *out)
{
    mg_row_stream rows;
    int32_t ox, g, oc;
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
                for (oc = g * per_group; oc < end; ++oc) {
                    const int32_t acc = p->bias_folded[oc] + dot_s4(x, p->filter, (size_t)oc * (size_t)k, k);
                    dst[oc] = output_value(p, acc, oc);
                }
            }
            dst += p->out_c;
        }
    }
    return MG_OK;
}

int32_t mg_conv_2d_s4_scratch_bytes(const mg_conv_2d_s4_params *p)
{
    if (p == NULL) {
        return -1;
    }
    if (p->filter_h == 1 && p->filter_w == 1 && p->filter_in_c == p->in_c) {
        return p->out_w * p->out_c; /* the window is the input pixel itself: no copy */
    }
    return p->out_w * p->out_c + p->filter_h * p->filter_w * p->filter_in_c;
}
