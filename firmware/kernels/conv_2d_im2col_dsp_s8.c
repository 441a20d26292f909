#include "conv_2d_im2col_dsp_s8.h"

#include "mg_mm_dsp.h"

/* the window's bytes, and 3 for the last row's word copy to spill into */
static int32_t raw_bytes(const mg_conv_2d_im2col_dsp_params *p)
{
    return p->in_c % 4 ? 4 * p->groups + 4 : 0;
}

/* The window of output pixel (oy, ox) into pixel slot `slot`. */
static inline __attribute__((always_inline)) void window(const mg_conv_2d_im2col_dsp_params *p, const int8_t *in_b,
                                                          const int8_t *in_end, int16_t *slot, int32_t oy,
                                                          int32_t ox)
{
    const int32_t iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
    const int32_t in_c = p->in_c, run = p->filter_w * in_c;
    const int whole_rows = p->dilation_w == 1 && ix0 >= 0 && ix0 + p->filter_w <= p->in_w;
    int32_t fy, fx, i;
    if (in_c % 4 == 0) { /* whole groups per tap */
        const uint32_t pad = (uint32_t)(uint16_t)(2 * p->pad_value) * 0x10001u; /* doubled, as the column */
        int16_t *g = slot;
        for (fy = 0; fy < p->filter_h; ++fy) {
            const int32_t iy = iy0 + fy * p->dilation_h;
            const int row_in = iy >= 0 && iy < p->in_h;
            const int8_t *row = row_in ? in_b + (size_t)iy * (size_t)p->in_w * (size_t)in_c : in_b;
            if (row_in && whole_rows) {
                mg_mm_widen3(row + (size_t)ix0 * (size_t)in_c, run, g);
                g += 3 * run;
                continue;
            }
            for (fx = 0; fx < p->filter_w; ++fx, g += 3 * in_c) {
                const int32_t ix = ix0 + fx * p->dilation_w;
                if (row_in && ix >= 0 && ix < p->in_w) {
                    mg_mm_widen3(row + (size_t)ix * (size_t)in_c, in_c, g);
                } else {
                    for (i = 0; i < 3 * in_c; i += 12) {
                        mg_write_u32(g + i, pad);
                        mg_write_u32(g + i + 2, pad);
                    }
                }
            }
        }
        return;
    }
    { /* any channel count: the window's bytes packed row after row (taps past them meet zero
       * weights), then widened */
        int8_t *raw = p->scratch + mg_conv_mm_col_bytes(p->groups, 3);
        const int32_t last_row = iy0 + (p->filter_h - 1) * p->dilation_h;
        int32_t k = 0;
        if (whole_rows && iy0 >= 0 && last_row < p->in_h
            && in_end - (in_b + ((size_t)last_row * (size_t)p->in_w + (size_t)ix0) * (size_t)in_c) >= run + 3) {
            /* inside the image: whole words; the bytes past a row's run are overwritten by the
             * next row or meet zero weights */
            const size_t row_step = (size_t)p->dilation_h * (size_t)p->in_w * (size_t)in_c;
            const int8_t *x = in_b + ((size_t)iy0 * (size_t)p->in_w + (size_t)ix0) * (size_t)in_c;
            for (fy = 0; fy < p->filter_h; ++fy, x += row_step, k += run) {
                for (i = 0; i < run; i += 4) {
                    mg_write_u32(raw + k + i, mg_read_u32(x + i));
                }
            }
            mg_mm_widen3(raw, (k + 3) & ~3, slot);
        } else {
            mg_conv_mm_window(p, in_b, raw, iy0, ix0); /* what follows up to the group's end meets zero weights */
            mg_mm_widen3(raw, (p->filter_h * p->filter_w * in_c + 3) & ~3, slot);
        }
    }
}

static void gather(const mg_conv_2d_im2col_dsp_params *p, const int8_t *in_b, const int8_t *in_end, int16_t *col,
                   int32_t oy, int32_t ox, int32_t n)
{
    int32_t j;
    for (j = 0; j < n; ++j) {
        window(p, in_b, in_end, col + 4 * j, oy, ox);
        if (++ox == p->out_w) {
            ox = 0;
            ++oy;
        }
    }
}

mg_status mg_conv_2d_im2col_dsp_s8(const mg_conv_2d_im2col_dsp_params *p, const int8_t *in, int8_t *out)
{
    int32_t stage_at;
    if (!mg_conv_mm_ok(p, in, out, p == NULL ? 0 : p->filter_h * p->filter_w * p->in_c)) {
        return MG_ERR_ARG;
    }
    stage_at = mg_conv_mm_col_bytes(p->groups, 3) + raw_bytes(p);
    memset(p->scratch + stage_at - raw_bytes(p), 0, (size_t)raw_bytes(p)); /* its last group: defined */
    mg_conv_mm_run(p, in, out, stage_at, gather);
    return MG_OK;
}

int32_t mg_conv_2d_im2col_dsp_s8_scratch_bytes(const mg_conv_2d_im2col_dsp_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return mg_conv_mm_scratch_bytes(p, mg_conv_mm_col_bytes(p->groups, 3) + raw_bytes(p));
}
