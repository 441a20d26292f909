#include "depthwise_conv_2d_s4.h"

#include "mg_stream.h"

/* TFLM skips taps outside the image; with the input offset folded into the bias (bias_folded),
 * skipping a tap equals reading the input zero point there. Both loops below read `pad` there. */


/* element i of a packed int4 array, sign-extended */
static int32_t int4_at(const uint8_t *w, size_t i)
{
    const int32_t nibble = (i & 1u) ? (int32_t)(w[i >> 1] >> 4) : (int32_t)(w[i >> 1] & 0x0Fu);
    return (nibble ^ 8) - 8;
}

/* Sum over the window of one output channel `c` fed by input channel `ic` (any multiplier). */
static int32_t channel_sum(const mg_depthwise_conv_2d_s4_params *p, const int8_t *in_b, int32_t iy0, int32_t ix0,
                           int32_t c, int32_t ic)
{
    const int32_t pad = -p->input_offset;
    int32_t acc = 0;
    int32_t fy, fx;
    for (fy = 0; fy < p->filter_h; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_h;
        for (fx = 0; fx < p->filter_w; ++fx) {
            const int32_t ix = ix0 + fx * p->dilation_w;
            const int32_t w = int4_at(p->filter, ((size_t)fy * (size_t)p->filter_w + (size_t)fx) * (size_t)p->out_c + (size_t)c);
            const int32_t x = (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w)
                              ? pad : in_b[((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)p->in_c + (size_t)ic];
            acc += w * x;
        }
    }
    return acc;
}

static int8_t output_value(const mg_depthwise_conv_2d_s4_params *p, int32_t sum, int32_t c)
{
    const int32_t v = mg_requantize(p->bias_folded[c] + sum, p->multiplier[c], p->shift[c]) + p->output_offset;
    return (int8_t)mg_clamp_i32(v, p->act_min, p->act_max);
}

mg_status mg_depthwise_conv_2d_s4(const mg_depthwise_conv_2d_s4_params *p, const int8_t *in, int8_t *out)
{
    mg_row_stream rows;
    int32_t ox, c;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->scratch == NULL
        || p->depth_multiplier <= 0 || p->out_c != p->in_c * p->depth_multiplier) {
        return MG_ERR_ARG;
    }
    mg_stream_start(&rows, in, (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c, out, p->batches, p->out_h,
                    p->out_w * p->out_c, p->scratch);
    while (mg_stream_next(&rows)) {
        const int32_t iy0 = rows.oy * p->stride_h - p->pad_top;
        int8_t *dst = rows.row;
        for (ox = 0; ox < p->out_w; ++ox) {
            const int32_t ix0 = ox * p->stride_w - p->pad_left;
            for (c = 0; c < p->out_c; ++c) {
                dst[c] = output_value(p, channel_sum(p, rows.in, iy0, ix0, c, c / p->depth_multiplier), c);
            }
            dst += p->out_c;
        }
    }
    return MG_OK;
}

int32_t mg_depthwise_conv_2d_s4_scratch_bytes(const mg_depthwise_conv_2d_s4_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->out_w * p->out_c;
}
