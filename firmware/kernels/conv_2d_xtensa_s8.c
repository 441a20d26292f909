#include "conv_2d_xtensa_s8.h"

#include "mg_stream.h"

/* The window at (iy0, ix0) into `col` as unsigned bytes (x + 128), taps outside the image reading
 * the zero point (equal to TFLM skipping them, the input offset being folded into the bias).
 * Returns the column's sum. */
static uint32_t gather(const mg_conv_2d_xtensa_params *p, const int8_t *in_b, int32_t iy0, int32_t ix0,
                       uint8_t *col)
{
    const int32_t run = p->filter_w * p->in_c;
    uint32_t sum = 0;
    int32_t fy, fx, i;
    for (fy = 0; fy < p->filter_h; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_h;
        const int row_in = iy >= 0 && iy < p->in_h;
        const int8_t *row = row_in ? in_b + (size_t)iy * (size_t)p->in_w * (size_t)p->in_c : in_b;
        if (row_in && p->dilation_w == 1 && ix0 >= 0 && ix0 + p->filter_w <= p->in_w) {
            sum += mg_xt_offset_bytes(row + (size_t)ix0 * (size_t)p->in_c, col, run);
            col += run;
            continue;
        }
        for (fx = 0; fx < p->filter_w; ++fx, col += p->in_c) {
            const int32_t ix = ix0 + fx * p->dilation_w;
            if (row_in && ix >= 0 && ix < p->in_w) {
                sum += mg_xt_offset_bytes(row + (size_t)ix * (size_t)p->in_c, col, p->in_c);
            } else {
                for (i = 0; i < p->in_c; ++i) {
                    col[i] = (uint8_t)p->pad_value;
                }
                sum += (uint32_t)p->pad_value * (uint32_t)p->in_c;
            }
        }
    }
    return sum;
}

mg_status mg_conv_2d_xtensa_s8(const mg_conv_2d_xtensa_params *p, const int8_t *in, int8_t *out)
{
    mg_row_stream rows;
    int32_t ox, taps;
    uint8_t *col;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->scratch == NULL) {
        return MG_ERR_ARG;
    }
    taps = p->filter_h * p->filter_w * p->in_c;
    col = (uint8_t *)p->scratch + p->out_w * p->out_c;
    mg_stream_start(&rows, in, (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c, out, p->batches, p->out_h,
                    p->out_w * p->out_c, p->scratch);
    while (mg_stream_next(&rows)) {
        const int32_t iy0 = rows.oy * p->stride_h - p->pad_top;
        int8_t *dst = rows.row;
        for (ox = 0; ox < p->out_w; ++ox, dst += p->out_c) {
            const uint32_t sum = gather(p, rows.in, iy0, ox * p->stride_w - p->pad_left, col);
            mg_xt_channels(col, taps, 0u - 128u * sum, p->filter, MG_XT_QUANT(p), p->out_c, dst);
        }
    }
    return MG_OK;
}

int32_t mg_conv_2d_xtensa_s8_scratch_bytes(const mg_conv_2d_xtensa_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->out_w * p->out_c + p->filter_h * p->filter_w * p->in_c;
}
