/* What the DSP convolutions (conv_2d_dsp_s8, conv_2d_dsp_s4) share: the params check, the im2col
 * gather of one output pixel's int16 column, and the walk over output pixels two at a time with
 * its two row buffers (the streaming overlap contract). */
#ifndef MG_CONV_DSP_H
#define MG_CONV_DSP_H

#include "conv_2d_dsp_s8.h"
#include "mg_dsp.h"

/* Column of the window at (iy0, ix0) into `col` (already offset to the pixel's slot): group g of
 * 4 taps is two words in sxtb16 order, (t0, t2) at col[g * 8] and (t1, t3) at col[g * 8 + half].
 * int8 columns: half 2, slots 0 and 4 (per group pixel 0's words, then pixel 1's); int4 columns:
 * half 4, slots 0 and 2 (per word, pixel 0's then pixel 1's). With `with_sum` (int4), taps past
 * the window up to col_len read zero and the sum of the column's taps is returned (else 0). */
static inline __attribute__((always_inline)) int32_t mg_conv_dsp_gather(
    const mg_conv_2d_dsp_params *p, const int8_t *in_b, int16_t *col, const int32_t half, int32_t iy0,
    int32_t ix0, const int with_sum)
{
    const int16_t pad = (int16_t)p->pad_value;
    int32_t fy, fx, k = 0, sum = 0;
    if (p->in_c % 4 == 0) {
        /* whole groups per tap: one word in, two words out */
        for (fy = 0; fy < p->filter_h; ++fy) {
            const int32_t iy = iy0 + fy * p->dilation_h;
            for (fx = 0; fx < p->filter_w; ++fx) {
                const int32_t ix = ix0 + fx * p->dilation_w;
                int32_t c;
                if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
                    for (c = 0; c < p->in_c; c += 4, k += 4) {
                        int16_t *g = col + (k >> 2) * 8;
                        g[0] = pad; g[1] = pad; g[half] = pad; g[half + 1] = pad;
                    }
                    if (with_sum) {
                        sum += pad * p->in_c;
                    }
                } else {
                    const int8_t *x = in_b + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)p->in_c;
                    for (c = 0; c < p->in_c; c += 4, k += 4) {
                        const uint32_t w = mg_read_u32(x + c);
                        const uint32_t even = mg_sxtb16(w), odd = mg_sxtb16_ror8(w);
                        int16_t *g = col + (k >> 2) * 8;
                        mg_write_u32(g, even);
                        mg_write_u32(g + half, odd);
                        if (with_sum) {
                            sum = mg_add_halves(even, odd, sum);
                        }
                    }
                }
            }
        }
        /* the padding taps: int8 weights there are zero, int4 ones offset (8), so they must read 0 */
        for (; with_sum && k < p->col_len; k += 4) {
            int16_t *g = col + (k >> 2) * 8;
            mg_write_u32(g, 0);
            mg_write_u32(g + half, 0);
        }
        return sum;
    }
    /* any channel count: gather the window's bytes (window rows are contiguous runs when the
     * dilation is 1), then widen them a word at a time */
    {
        int8_t *raw = p->scratch + 4 * p->col_len;
        const int32_t run = p->filter_w * p->in_c;
        const int rows_only = p->dilation_w == 1 && ix0 >= 0 && ix0 + p->filter_w <= p->in_w;
        int32_t i;
        for (fy = 0; fy < p->filter_h; ++fy) {
            const int32_t iy = iy0 + fy * p->dilation_h;
            const int row_in = iy >= 0 && iy < p->in_h;
            if (row_in && rows_only) {
                const int8_t *x = in_b + ((size_t)iy * (size_t)p->in_w + (size_t)ix0) * (size_t)p->in_c;
                for (i = 0; i < run; ++i) {
                    raw[k + i] = x[i];
                }
                k += run;
                continue;
            }
            for (fx = 0; fx < p->filter_w; ++fx) {
                const int32_t ix = ix0 + fx * p->dilation_w;
                if (row_in && ix >= 0 && ix < p->in_w) {
                    const int8_t *x = in_b + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)p->in_c;
                    for (i = 0; i < p->in_c; ++i) {
                        raw[k + i] = x[i];
                    }
                } else {
                    for (i = 0; i < p->in_c; ++i) {
                        raw[k + i] = (int8_t)pad;
                    }
                }
                k += p->in_c;
            }
        }
        for (; k < p->col_len; ++k) {
            raw[k] = 0;
        }
        for (k = 0; k < p->col_len; k += 4) {
            const uint32_t w = mg_read_u32(raw + k);
            const uint32_t even = mg_sxtb16(w), odd = mg_sxtb16_ror8(w);
            mg_write_u32(col + (k >> 2) * 8, even);
            mg_write_u32(col + (k >> 2) * 8 + half, odd);
            if (with_sum) {
                sum = mg_add_halves(even, odd, sum);
            }
        }
    }
    return sum;
}

/* Output pixels (iy0, ix0 their windows' corners) to compute into dst0 and dst1; dst1 is NULL
 * when the first is the image's last pixel and has no partner. */
typedef void mg_conv_dsp_pair_fn(const mg_conv_2d_dsp_params *p, const int8_t *in_b, int32_t iy0, int32_t ix0,
                                 int8_t *dst0, int32_t iy1, int32_t ix1, int8_t *dst1);

/* The kernels' common entry: MG_OK when the params suit the walk (LDRD needs word-aligned columns
 * and weights; col_len a multiple of 8 covering the window). */
static inline mg_status mg_conv_dsp_check(const mg_conv_2d_dsp_params *p, const int8_t *in, const int8_t *out)
{
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->quant == NULL || p->shift == NULL
        || p->scratch == NULL || p->col_len <= 0 || p->col_len % 8 != 0
        || p->col_len < p->filter_h * p->filter_w * p->in_c
        || ((uintptr_t)p->scratch & 3u) != 0 || ((uintptr_t)p->filter & 3u) != 0) {
        return MG_ERR_ARG;
    }
    return MG_OK;
}

/* Scratch of both kernels: two int16 columns and a window's bytes (5 * col_len), then two output
 * rows of out_w * out_c + 4 bytes (-1 when p is NULL). */
static inline int32_t mg_conv_dsp_scratch_bytes(const mg_conv_2d_dsp_params *p)
{
    return p == NULL ? -1 : 5 * p->col_len + 2 * (p->out_w * p->out_c + 4);
}

/* Pixels in pairs in raster order, also across a row's end (odd widths), into two row buffers
 * after the columns in scratch; a row is copied out as soon as its last pixel is done, before any
 * pixel two rows down is computed, so the streaming overlap contract holds. */
static inline __attribute__((always_inline)) void mg_conv_dsp_walk(const mg_conv_2d_dsp_params *p, const int8_t *in, int8_t *out,
                                    mg_conv_dsp_pair_fn *pair)
{
    const int32_t row_bytes = p->out_w * p->out_c;
    int8_t *rows[2];
    int32_t b;
    rows[0] = p->scratch + 5 * p->col_len;
    rows[1] = rows[0] + row_bytes + 4; /* 4: slack for an odd channel count's spill */
    for (b = 0; b < p->batches; ++b) {
        const int8_t *in_b = in + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
        int8_t *out_b = out + (size_t)b * (size_t)p->out_h * (size_t)row_bytes;
        int32_t oy = 0, ox = 0, flushed = 0;
        while (oy < p->out_h) {
            const int32_t oy1 = ox + 1 < p->out_w ? oy : oy + 1, ox1 = ox + 1 < p->out_w ? ox + 1 : 0;
            const int32_t iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
            int8_t *dst0 = rows[oy & 1] + ox * p->out_c;
            if (oy1 < p->out_h) {
                pair(p, in_b, iy0, ix0, dst0, oy1 * p->stride_h - p->pad_top, ox1 * p->stride_w - p->pad_left,
                     rows[oy1 & 1] + ox1 * p->out_c);
            } else {
                pair(p, in_b, iy0, ix0, dst0, iy0, ix0, NULL);
            }
            /* step past the pair */
            oy = oy1;
            ox = ox1 + 1;
            if (ox >= p->out_w) {
                ox = 0;
                ++oy;
            }
            for (; flushed < oy && flushed < p->out_h; ++flushed) {
                memcpy(out_b + (size_t)flushed * (size_t)row_bytes, rows[flushed & 1], (size_t)row_bytes);
            }
        }
    }
}

#endif /* MG_CONV_DSP_H */
