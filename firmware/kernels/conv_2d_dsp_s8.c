#include "conv_2d_dsp_s8.h"

#include "mg_dsp.h"

/* Column of output pixel (oy, ox) into `col` (pixel `slot` 0 or 1 of the interleaved pair):
 * group g of 4 taps goes to col[g * 8 + slot * 4 ...] in sxtb16 order. */
static void gather_column(const mg_conv_2d_dsp_params *p, const int8_t *in_b, int16_t *col,
                          int32_t slot, int32_t iy0, int32_t ix0)
{
    const int32_t taps = p->filter_h * p->filter_w * p->in_c;
    const int16_t pad = (int16_t)p->pad_value;
    int16_t *dst = col + slot * 4;
    int32_t fy, fx, k = 0;
    if (p->in_c % 4 == 0) {
        /* whole groups per tap: one word in, two words out */
        for (fy = 0; fy < p->filter_h; ++fy) {
            const int32_t iy = iy0 + fy * p->dilation_h;
            for (fx = 0; fx < p->filter_w; ++fx) {
                const int32_t ix = ix0 + fx * p->dilation_w;
                int32_t c;
                if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
                    for (c = 0; c < p->in_c; c += 4, k += 4) {
                        int16_t *g = dst + (k >> 2) * 8;
                        g[0] = pad; g[1] = pad; g[2] = pad; g[3] = pad;
                    }
                } else {
                    const int8_t *x = in_b + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)p->in_c;
                    for (c = 0; c < p->in_c; c += 4, k += 4) {
                        const uint32_t w = mg_read_u32(x + c);
                        int16_t *g = dst + (k >> 2) * 8;
                        mg_write_u32(g, mg_sxtb16(w));
                        mg_write_u32(g + 2, mg_sxtb16_ror8(w));
                    }
                }
            }
        }
        return;
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
        for (; k < p->col_len; ++k) { /* zero weights meet these: any value, but defined */
            raw[k] = 0;
        }
        for (k = 0; k < p->col_len; k += 4) {
            const uint32_t w = mg_read_u32(raw + k);
            mg_write_u32(dst + (k >> 2) * 8, mg_sxtb16(w));
            mg_write_u32(dst + (k >> 2) * 8 + 2, mg_sxtb16_ror8(w));
        }
    }
    (void)taps;
}

/* All channels of the two columns into dst0 (pixel 0) and, when `two`, dst1 (pixel 1). Pairs go
 * from the last to the first, so with an odd out_c the padding channel's byte (dst[out_c]: the
 * next pixel's channel 0, written later, or the slack after a row) is overwritten afterwards. */
static inline __attribute__((always_inline)) void channel_pairs(const mg_conv_2d_dsp_params *p,
                                                                const int16_t *cols, int8_t *dst0,
                                                                int8_t *dst1, const int two, const int lean)
{
    const int32_t out_c = p->out_c, turns = p->col_len / 8, pair_words = p->col_len / 2;
    const int32_t out_off = p->output_offset, lo = p->act_min, hi = p->act_max;
    const uint32_t *x = (const uint32_t *)__builtin_assume_aligned(cols, 4);
    const uint32_t *w = (const uint32_t *)__builtin_assume_aligned(p->filter, 4);
    int32_t pair = (out_c + 1) / 2;
    while (pair-- > 0) {
        const int32_t *q = p->quant + pair * 4;
        const int8_t *sh = p->shift + pair * 2;
        int8_t *d0 = dst0 + 2 * pair, *d1 = dst1 + 2 * pair;
        int32_t a00 = q[0], a01 = q[0], a10 = q[2], a11 = q[2];
        if (two) {
            MG_DOT_2X2(w + pair * pair_words, x, turns, a00, a01, a10, a11);
        } else {
            MG_DOT_2X1(w + pair * pair_words, x, turns, 4, a00, a10);
        }
        {
            /* every constant is read before the first int8 store, which could alias them */
            const int32_t m0 = q[1], m1 = q[3], s0 = sh[0], s1 = sh[1];
            const int32_t v00 = MG_DSP_OUT(lean, a00, m0, s0, out_off, lo, hi);
            const int32_t v10 = MG_DSP_OUT(lean, a10, m1, s1, out_off, lo, hi);
            const int32_t v01 = two ? MG_DSP_OUT(lean, a01, m0, s0, out_off, lo, hi) : 0;
            const int32_t v11 = two ? MG_DSP_OUT(lean, a11, m1, s1, out_off, lo, hi) : 0;
            d0[0] = (int8_t)v00;
            d0[1] = (int8_t)v10;
            if (two) {
                d1[0] = (int8_t)v01;
                d1[1] = (int8_t)v11;
            }
        }
    }
}

static void pixel_pair_lean(const mg_conv_2d_dsp_params *p, const int16_t *cols, int8_t *dst0, int8_t *dst1)
{
    channel_pairs(p, cols, dst0, dst1, 1, 1);
}

static void pixel_pair_exact(const mg_conv_2d_dsp_params *p, const int16_t *cols, int8_t *dst0, int8_t *dst1)
{
    channel_pairs(p, cols, dst0, dst1, 1, 0);
}

static void pixel_one(const mg_conv_2d_dsp_params *p, const int16_t *cols, int8_t *dst)
{
    if (p->lean) {
        channel_pairs(p, cols, dst, dst, 0, 1);
    } else {
        channel_pairs(p, cols, dst, dst, 0, 0);
    }
}

mg_status mg_conv_2d_dsp_s8(const mg_conv_2d_dsp_params *p, const int8_t *in, int8_t *out)
{
    int16_t *cols;
    int8_t *rows[2];
    int32_t b, row_bytes;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->quant == NULL || p->shift == NULL
        || p->scratch == NULL || p->col_len <= 0 || p->col_len % 8 != 0
        || p->col_len < p->filter_h * p->filter_w * p->in_c
        || ((uintptr_t)p->scratch & 3u) != 0 || ((uintptr_t)p->filter & 3u) != 0) {
        return MG_ERR_ARG; /* LDRD needs word-aligned columns and weights */
    }
    cols = (int16_t *)(void *)p->scratch;
    row_bytes = p->out_w * p->out_c;
    rows[0] = p->scratch + 5 * p->col_len;
    rows[1] = rows[0] + row_bytes + 4; /* 4: slack for an odd channel count's spill */
    for (b = 0; b < p->batches; ++b) {
        const int8_t *in_b = in + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
        int8_t *out_b = out + (size_t)b * (size_t)p->out_h * (size_t)row_bytes;
        /* pixels in pairs in raster order, also across a row's end (odd widths), into two row
         * buffers; a row is copied out as soon as its last pixel is done, before any pixel two
         * rows down is computed, so the streaming overlap contract holds */
        int32_t oy = 0, ox = 0, flushed = 0;
        while (oy < p->out_h) {
            const int32_t oy1 = ox + 1 < p->out_w ? oy : oy + 1, ox1 = ox + 1 < p->out_w ? ox + 1 : 0;
            int8_t *dst0 = rows[oy & 1] + ox * p->out_c;
            gather_column(p, in_b, cols, 0, oy * p->stride_h - p->pad_top, ox * p->stride_w - p->pad_left);
            if (oy1 < p->out_h) {
                int8_t *dst1 = rows[oy1 & 1] + ox1 * p->out_c;
                gather_column(p, in_b, cols, 1, oy1 * p->stride_h - p->pad_top, ox1 * p->stride_w - p->pad_left);
                if (p->lean) {
                    pixel_pair_lean(p, cols, dst0, dst1);
                } else {
                    pixel_pair_exact(p, cols, dst0, dst1);
                }
            } else {
                pixel_one(p, cols, dst0);
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
    return MG_OK;
}

int32_t mg_conv_2d_dsp_s8_scratch_bytes(const mg_conv_2d_dsp_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return 5 * p->col_len + 2 * (p->out_w * p->out_c + 4);
}
