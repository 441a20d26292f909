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
    for (fy = 0; fy < p->filter_h; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_h;
        for (fx = 0; fx < p->filter_w; ++fx) {
            const int32_t ix = ix0 + fx * p->dilation_w;
            const int inside = iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w;
            const int8_t *x = in_b + ((size_t)(inside ? iy : 0) * (size_t)p->in_w + (size_t)(inside ? ix : 0))
                              * (size_t)p->in_c;
            int32_t c;
            for (c = 0; c < p->in_c; ++c, ++k) {
                const int32_t s = mg_sxtb16_slot(k);
                dst[(s >> 2) * 8 + (s & 3)] = inside ? (int16_t)x[c] : pad;
            }
        }
    }
    for (; k < p->col_len; ++k) { /* zero weights meet these: any value, but defined */
        const int32_t s = mg_sxtb16_slot(k);
        dst[(s >> 2) * 8 + (s & 3)] = 0;
    }
    (void)taps;
}

/* Two output channels (one interleaved weight block) times the two columns. Both buffers are
 * word aligned (weights by the generator, columns at the start of the arena scratch). */
static void dot_2x2(const int8_t *w, const int16_t *cols, int32_t groups, int32_t acc[4])
{
    const uint32_t *wp = (const uint32_t *)__builtin_assume_aligned(w, 4);
    const uint32_t *xp = (const uint32_t *)__builtin_assume_aligned(cols, 4);
    int32_t a00 = acc[0], a01 = acc[1], a10 = acc[2], a11 = acc[3];
    while (groups-- > 0) {
        uint32_t w0, w1, x0a, x0b, x1a, x1b, w0a, w0b, w1a, w1b;
        memcpy(&w0, wp, 4);
        memcpy(&w1, wp + 1, 4);
        memcpy(&x0a, xp, 4);
        memcpy(&x0b, xp + 1, 4);
        memcpy(&x1a, xp + 2, 4);
        memcpy(&x1b, xp + 3, 4);
        wp += 2;
        xp += 4;
        w0a = mg_sxtb16(w0);
        w0b = mg_sxtb16_ror8(w0);
        w1a = mg_sxtb16(w1);
        w1b = mg_sxtb16_ror8(w1);
        a00 = mg_smlad(w0a, x0a, a00);
        a00 = mg_smlad(w0b, x0b, a00);
        a01 = mg_smlad(w0a, x1a, a01);
        a01 = mg_smlad(w0b, x1b, a01);
        a10 = mg_smlad(w1a, x0a, a10);
        a10 = mg_smlad(w1b, x0b, a10);
        a11 = mg_smlad(w1a, x1a, a11);
        a11 = mg_smlad(w1b, x1b, a11);
    }
    acc[0] = a00; acc[1] = a01; acc[2] = a10; acc[3] = a11;
}

mg_status mg_conv_2d_dsp_s8(const mg_conv_2d_dsp_params *p, const int8_t *in, int8_t *out)
{
    int16_t *cols;
    int8_t *row;
    int32_t b, oy, ox, oc, groups, row_bytes;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->scratch == NULL
        || p->col_len % 4 != 0 || p->col_len < p->filter_h * p->filter_w * p->in_c) {
        return MG_ERR_ARG;
    }
    cols = (int16_t *)(void *)p->scratch;
    row = p->scratch + 4 * p->col_len;
    groups = p->col_len / 4;
    row_bytes = p->out_w * p->out_c;
    for (b = 0; b < p->batches; ++b) {
        const int8_t *in_b = in + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
        for (oy = 0; oy < p->out_h; ++oy) {
            const int32_t iy0 = oy * p->stride_h - p->pad_top;
            int32_t i;
            for (ox = 0; ox < p->out_w; ox += 2) {
                const int32_t two = ox + 1 < p->out_w;
                int8_t *dst = row + ox * p->out_c;
                gather_column(p, in_b, cols, 0, iy0, ox * p->stride_w - p->pad_left);
                /* an odd last pixel computes column 0 twice and stores it once */
                gather_column(p, in_b, cols, 1, iy0, (ox + two) * p->stride_w - p->pad_left);
                for (oc = 0; oc < p->out_c; oc += 2) {
                    int32_t acc[4];
                    const int32_t b0 = p->bias_folded[oc], b1 = p->bias_folded[oc + 1];
                    acc[0] = b0; acc[1] = b0; acc[2] = b1; acc[3] = b1;
                    dot_2x2(p->filter + (size_t)oc * (size_t)p->col_len, cols, groups, acc);
                    dst[oc] = mg_out_s8(acc[0], p->multiplier[oc], p->shift[oc], p->output_offset,
                                        p->act_min, p->act_max);
                    if (two) {
                        dst[p->out_c + oc] = mg_out_s8(acc[1], p->multiplier[oc], p->shift[oc],
                                                       p->output_offset, p->act_min, p->act_max);
                    }
                    if (oc + 1 < p->out_c) {
                        dst[oc + 1] = mg_out_s8(acc[2], p->multiplier[oc + 1], p->shift[oc + 1],
                                                p->output_offset, p->act_min, p->act_max);
                        if (two) {
                            dst[p->out_c + oc + 1] = mg_out_s8(acc[3], p->multiplier[oc + 1], p->shift[oc + 1],
                                                               p->output_offset, p->act_min, p->act_max);
                        }
                    }
                }
            }
            /* the whole row is computed: only now may it overwrite input rows already consumed */
            {
                int8_t *dst = out + ((size_t)b * (size_t)p->out_h + (size_t)oy) * (size_t)row_bytes;
                for (i = 0; i < row_bytes; ++i) {
                    dst[i] = row[i];
                }
            }
        }
    }
    return MG_OK;
}
