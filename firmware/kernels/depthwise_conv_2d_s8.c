#include "depthwise_conv_2d_s8.h"

#include "mg_stream.h"

/* TFLM skips taps outside the image; with the input offset folded into the bias (bias_folded),
 * skipping a tap equals reading the input zero point there. Both loops below read `pad` there. */

/* Sum over the window of one output channel `c` fed by input channel `ic` (any multiplier). */
static int32_t channel_sum(const mg_depthwise_conv_2d_params *p, const int8_t *in_b, int32_t iy0, int32_t ix0,
                           int32_t c, int32_t ic)
{
    const int32_t pad = -p->input_offset;
    int32_t acc = 0;
    int32_t fy, fx;
    for (fy = 0; fy < p->filter_h; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_h;
        for (fx = 0; fx < p->filter_w; ++fx) {
            const int32_t ix = ix0 + fx * p->dilation_w;
            const int32_t w = p->filter[((size_t)fy * (size_t)p->filter_w + (size_t)fx) * (size_t)p->out_c + (size_t)c];
            const int32_t x = (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w)
                              ? pad : in_b[((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)p->in_c + (size_t)ic];
            acc += w * x;
        }
    }
    return acc;
}

/* Multiplier 1: four channels per pass over the window, accumulators in registers. Windows
 * fully inside the image walk the input with pointer steps and no bounds checks. */
static void four_channels(const mg_depthwise_conv_2d_params *p, const int8_t *in_b, int32_t iy0, int32_t ix0,
                          int32_t inside, int32_t c, int32_t acc[4])
{
    const int32_t pad = -p->input_offset;
    int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
    int32_t fy, fx;
    if (inside) {
        const size_t step_x = (size_t)p->dilation_w * (size_t)p->in_c;
        const size_t step_y = (size_t)p->dilation_h * (size_t)p->in_w * (size_t)p->in_c;
        const int8_t *row = in_b + ((size_t)iy0 * (size_t)p->in_w + (size_t)ix0) * (size_t)p->in_c + (size_t)c;
        const int8_t *w = p->filter + (size_t)c;
        for (fy = 0; fy < p->filter_h; ++fy, row += step_y) {
            const int8_t *x = row;
            for (fx = 0; fx < p->filter_w; ++fx, x += step_x, w += p->out_c) {
                a0 += w[0] * x[0];
                a1 += w[1] * x[1];
                a2 += w[2] * x[2];
                a3 += w[3] * x[3];
            }
        }
    } else {
        for (fy = 0; fy < p->filter_h; ++fy) {
            const int32_t iy = iy0 + fy * p->dilation_h;
            const int8_t *w = p->filter + (size_t)fy * (size_t)p->filter_w * (size_t)p->out_c + (size_t)c;
            for (fx = 0; fx < p->filter_w; ++fx, w += p->out_c) {
                const int32_t ix = ix0 + fx * p->dilation_w;
                if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
                    a0 += w[0] * pad;
                    a1 += w[1] * pad;
                    a2 += w[2] * pad;
                    a3 += w[3] * pad;
                } else {
                    const int8_t *x = in_b + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)p->in_c + (size_t)c;
                    a0 += w[0] * x[0];
                    a1 += w[1] * x[1];
                    a2 += w[2] * x[2];
                    a3 += w[3] * x[3];
                }
            }
        }
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

static int8_t output_value(const mg_depthwise_conv_2d_params *p, int32_t sum, int32_t c)
{
    const int32_t v = mg_requantize(p->bias_folded[c] + sum, p->multiplier[c], p->shift[c]) + p->output_offset;
    return (int8_t)mg_clamp_i32(v, p->act_min, p->act_max);
}

mg_status mg_depthwise_conv_2d_s8(const mg_depthwise_conv_2d_params *p, const int8_t *in, int8_t *out)
{
    mg_row_stream rows;
    int32_t ox, c, i, quads;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->scratch == NULL
        || p->depth_multiplier <= 0 || p->out_c != p->in_c * p->depth_multiplier) {
        return MG_ERR_ARG;
    }
    quads = p->depth_multiplier == 1 ? p->out_c / 4 * 4 : 0;
    mg_stream_start(&rows, in, (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c, out, p->batches, p->out_h,
                    p->out_w * p->out_c, p->scratch);
    while (mg_stream_next(&rows)) {
        const int32_t iy0 = rows.oy * p->stride_h - p->pad_top;
        const int32_t rows_inside = iy0 >= 0 && iy0 + (p->filter_h - 1) * p->dilation_h < p->in_h;
        int8_t *dst = rows.row;
        for (ox = 0; ox < p->out_w; ++ox) {
            const int32_t ix0 = ox * p->stride_w - p->pad_left;
            const int32_t inside = rows_inside && ix0 >= 0 && ix0 + (p->filter_w - 1) * p->dilation_w < p->in_w;
            for (c = 0; c < quads; c += 4) {
                int32_t acc[4];
                four_channels(p, rows.in, iy0, ix0, inside, c, acc);
                for (i = 0; i < 4; ++i) {
                    dst[c + i] = output_value(p, acc[i], c + i);
                }
            }
            for (; c < p->out_c; ++c) {
                dst[c] = output_value(p, channel_sum(p, rows.in, iy0, ix0, c, c / p->depth_multiplier), c);
            }
            dst += p->out_c;
        }
    }
    return MG_OK;
}

int32_t mg_depthwise_conv_2d_s8_scratch_bytes(const mg_depthwise_conv_2d_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->out_w * p->out_c;
}
