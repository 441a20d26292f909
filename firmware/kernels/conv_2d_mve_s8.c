#include "conv_2d_mve_s8.h"

#include "mg_mve_conv.h"

/* The window of output pixel (oy, ox) into `col`: filter rows inside the image are contiguous
 * runs of the input when the dilation is 1 and the row is not clipped. */
static void gather(const mg_conv_2d_mve_params *p, const int8_t *in_b, int8_t *col, int32_t oy, int32_t ox)
{
    const int32_t iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
    const int32_t run = p->filter_w * p->in_c;
    const int whole_rows = p->dilation_w == 1 && ix0 >= 0 && ix0 + p->filter_w <= p->in_w;
    const int8_t pad = (int8_t)p->pad_value;
    int32_t fy, fx;
    for (fy = 0; fy < p->filter_h; ++fy, col += run) {
        const int32_t iy = iy0 + fy * p->dilation_h;
        const int8_t *x;
        if (iy < 0 || iy >= p->in_h) {
            mg_mve_fill(col, pad, run);
            continue;
        }
        x = in_b + (size_t)iy * (size_t)p->in_w * (size_t)p->in_c;
        if (whole_rows) {
            mg_mve_copy(col, x + (size_t)ix0 * (size_t)p->in_c, run);
        } else {
            for (fx = 0; fx < p->filter_w; ++fx) {
                const int32_t ix = ix0 + fx * p->dilation_w;
                int8_t *dst = col + fx * p->in_c;
                if (ix < 0 || ix >= p->in_w) {
                    mg_mve_fill(dst, pad, p->in_c);
                } else {
                    mg_mve_copy(dst, x + (size_t)ix * (size_t)p->in_c, p->in_c);
                }
            }
        }
    }
}

mg_status mg_conv_2d_mve_s8(const mg_conv_2d_mve_params *p, const int8_t *in, int8_t *out)
{
    mg_mve_conv_channels ch;
    int8_t *cols;
    int32_t b;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->bias_folded == NULL
        || p->multiplier == NULL || p->shift == NULL || p->scratch == NULL || p->ring_pixels % 4 != 0
        || p->ring_pixels < p->out_w + 3) {
        return MG_ERR_ARG;
    }
    ch.taps = p->filter_h * p->filter_w * p->in_c;
    ch.out_c = p->out_c;
    ch.output_offset = p->output_offset;
    ch.act_min = p->act_min;
    ch.act_max = p->act_max;
    ch.filter = p->filter;
    ch.bias_folded = p->bias_folded;
    ch.multiplier = p->multiplier;
    ch.shift = p->shift;
    cols = p->scratch + (size_t)p->ring_pixels * (size_t)p->out_c;
    for (b = 0; b < p->batches; ++b) {
        const int8_t *in_b = in + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
        int32_t oy = 0, ox = 0;
        mg_mve_ring ring;
        mg_mve_ring_start(&ring, p->scratch, p->ring_pixels, p->out_h, p->out_w, p->out_c,
                          out + (size_t)b * (size_t)p->out_h * (size_t)p->out_w * (size_t)p->out_c);
        while (ring.next < ring.pixels) {
            const int32_t count = mg_min_i32(4, ring.pixels - ring.next);
            const int8_t *col[4];
            int32_t j;
            for (j = 0; j < 4; ++j) {
                int8_t *dst = cols + (size_t)j * (size_t)ch.taps;
                col[j] = j < count ? dst : cols;
                if (j < count) {
                    gather(p, in_b, dst, oy, ox);
                    if (++ox == p->out_w) {
                        ox = 0;
                        ++oy;
                    }
                }
            }
            mg_mve_conv_quad(&ch, col, mg_mve_ring_dst(&ring), vctp32q((uint32_t)count));
            mg_mve_ring_advance(&ring, count);
        }
    }
    return MG_OK;
}

int32_t mg_conv_2d_mve_s8_scratch_bytes(const mg_conv_2d_mve_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->ring_pixels * p->out_c + 4 * p->filter_h * p->filter_w * p->in_c;
}
