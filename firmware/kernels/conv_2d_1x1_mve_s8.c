#include "conv_2d_1x1_mve_s8.h"

#include "mg_mve_conv.h"

mg_status mg_conv_2d_1x1_mve_s8(const mg_conv_2d_1x1_mve_params *p, const int8_t *in, int8_t *out)
{
    mg_mve_conv_channels ch;
    int32_t b;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->bias_folded == NULL
        || p->multiplier == NULL || p->shift == NULL || p->scratch == NULL || p->ring_pixels % 4 != 0
        || p->ring_pixels < p->out_w + 3) {
        return MG_ERR_ARG;
    }
    ch.taps = p->in_c;
    ch.out_c = p->out_c;
    ch.output_offset = p->output_offset;
    ch.act_min = p->act_min;
    ch.act_max = p->act_max;
    ch.filter = p->filter;
    ch.bias_folded = p->bias_folded;
    ch.multiplier = p->multiplier;
    ch.shift = p->shift;
    for (b = 0; b < p->batches; ++b) {
        const int8_t *in_b = in + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
        const size_t row_step = (size_t)p->stride_h * (size_t)p->in_w * (size_t)p->in_c;
        const size_t pixel_step = (size_t)p->stride_w * (size_t)p->in_c;
        const int8_t *row = in_b, *pixel = in_b;
        int32_t ox = 0;
        mg_mve_ring ring;
        mg_mve_ring_start(&ring, p->scratch, p->ring_pixels, p->out_h, p->out_w, p->out_c,
                          out + (size_t)b * (size_t)p->out_h * (size_t)p->out_w * (size_t)p->out_c);
        while (ring.next < ring.pixels) {
            const int32_t count = mg_min_i32(4, ring.pixels - ring.next);
            const int8_t *col[4];
            int32_t j;
            for (j = 0; j < 4; ++j) {
                col[j] = j < count ? pixel : col[0];
                if (j < count) { /* the next pixel in raster order */
                    pixel += pixel_step;
                    if (++ox == p->out_w) {
                        ox = 0;
                        row += row_step;
                        pixel = row;
                    }
                }
            }
            mg_mve_conv_quad(&ch, col, mg_mve_ring_dst(&ring), vctp32q((uint32_t)count));
            mg_mve_ring_advance(&ring, count);
        }
    }
    return MG_OK;
}

int32_t mg_conv_2d_1x1_mve_s8_scratch_bytes(const mg_conv_2d_1x1_mve_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->ring_pixels * p->out_c;
}
