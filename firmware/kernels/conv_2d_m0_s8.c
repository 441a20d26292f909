#include "conv_2d_m0_s8.h"

#include <string.h>

#include "mg_m0.h"

/* The window of output pixel (iy0, ix0) as offset-binary bytes into col[2t + slot]; returns
 * 128 * (sum of the u written), what the pixel's accumulators subtract. Taps past the window
 * (the padding to a multiple of 8) stay 0 from mg_conv_2d_m0_s8's clearing: 0 * v adds nothing. */
static uint32_t gather(const mg_conv_2d_m0_params *p, const int8_t *in_b, uint8_t *col, int32_t iy0,
                       int32_t ix0)
{
    const uint8_t pad = (uint8_t)p->pad_u;
    uint32_t sum = 0;
    int32_t fy, fx, c;
    for (fy = 0; fy < p->filter_h; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_h;
        for (fx = 0; fx < p->filter_w; ++fx) {
            const int32_t ix = ix0 + fx * p->dilation_w;
            if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
                for (c = 0; c < p->in_c; ++c) {
                    col[2 * c] = pad;
                }
                sum += (uint32_t)pad * (uint32_t)p->in_c;
            } else {
                const uint8_t *x = (const uint8_t *)in_b + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)p->in_c;
                for (c = 0; c < p->in_c; ++c) {
                    const uint8_t u = (uint8_t)(x[c] ^ 0x80u); /* (x + 128) mod 256 */
                    col[2 * c] = u;
                    sum += u;
                }
            }
            col += 2 * p->in_c;
        }
    }
    return sum << 7;
}

/* Every channel pair of the pixel pair in `col` (dst1 == NULL: pixel 0 alone). */
static inline __attribute__((always_inline)) void channel_pairs(const mg_conv_2d_m0_params *p, const uint8_t *col,
                                                                uint32_t corr0, uint32_t corr1, int8_t *dst0,
                                                                int8_t *dst1, const int lean)
{
    const int32_t out_c = p->out_c, out_off = p->output_offset, lo = p->act_min, hi = p->act_max;
    const uint8_t *w = p->filter;
    const int32_t *q = p->quant;
    int32_t c;
    for (c = 0; c < out_c; c += 2, q += 2 * MG_M0_QUANT_WORDS) {
        const int32_t *q1 = q + MG_M0_QUANT_WORDS;
        uint32_t d00 = (uint32_t)q[0] - corr0, d10 = (uint32_t)q1[0] - corr0;
        if (dst1 != NULL) {
            uint32_t d01 = (uint32_t)q[0] - corr1, d11 = (uint32_t)q1[0] - corr1;
            MG_M0_DOT_2X2(col, w, p->taps, d00, d01, d10, d11);
            dst1[c] = mg_m0_output(lean, (int32_t)d01, q, out_off, lo, hi);
            if (c + 1 < out_c) {
                dst1[c + 1] = mg_m0_output(lean, (int32_t)d11, q1, out_off, lo, hi);
            }
        } else {
            MG_M0_DOT_2X1(col, w, p->taps, d00, d10);
        }
        dst0[c] = mg_m0_output(lean, (int32_t)d00, q, out_off, lo, hi);
        if (c + 1 < out_c) {
            dst0[c + 1] = mg_m0_output(lean, (int32_t)d10, q1, out_off, lo, hi);
        }
    }
}

static void pixels_lean(const mg_conv_2d_m0_params *p, const uint8_t *col, uint32_t corr0, uint32_t corr1,
                        int8_t *dst0, int8_t *dst1)
{
    channel_pairs(p, col, corr0, corr1, dst0, dst1, 1);
}

static void pixels_exact(const mg_conv_2d_m0_params *p, const uint8_t *col, uint32_t corr0, uint32_t corr1,
                         int8_t *dst0, int8_t *dst1)
{
    channel_pairs(p, col, corr0, corr1, dst0, dst1, 0);
}

mg_status mg_conv_2d_m0_s8(const mg_conv_2d_m0_params *p, const int8_t *in, int8_t *out)
{
    uint8_t *col;
    int8_t *rows[2];
    int32_t b, row_bytes;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->quant == NULL
        || p->scratch == NULL || p->taps <= 0 || p->taps % 8 != 0 || p->taps < p->filter_h * p->filter_w * p->in_c) {
        return MG_ERR_ARG;
    }
    col = (uint8_t *)p->scratch;
    row_bytes = p->out_w * p->out_c;
    rows[0] = p->scratch + 2 * p->taps;
    rows[1] = rows[0] + row_bytes;
    memset(col, 0, 2 * (size_t)p->taps);
    for (b = 0; b < p->batches; ++b) {
        const int8_t *in_b = in + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
        int8_t *out_b = out + (size_t)b * (size_t)p->out_h * (size_t)row_bytes;
        /* A row is copied out once its last pixel is done, before any pixel two rows down is
         * computed: the streaming overlap contract holds with pairs that straddle a row's end. */
        int32_t oy = 0, ox = 0, flushed = 0;
        while (oy < p->out_h) {
            const int32_t oy1 = ox + 1 < p->out_w ? oy : oy + 1, ox1 = ox + 1 < p->out_w ? ox + 1 : 0;
            int8_t *dst0 = rows[oy & 1] + ox * p->out_c;
            const uint32_t corr0 = gather(p, in_b, col, oy * p->stride_h - p->pad_top, ox * p->stride_w - p->pad_left);
            int8_t *dst1 = NULL;
            uint32_t corr1 = 0;
            if (oy1 < p->out_h) {
                corr1 = gather(p, in_b, col + 1, oy1 * p->stride_h - p->pad_top, ox1 * p->stride_w - p->pad_left);
                dst1 = rows[oy1 & 1] + ox1 * p->out_c;
            }
            if (p->lean) {
                pixels_lean(p, col, corr0, corr1, dst0, dst1);
            } else {
                pixels_exact(p, col, corr0, corr1, dst0, dst1);
            }
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

int32_t mg_conv_2d_m0_s8_scratch_bytes(const mg_conv_2d_m0_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return 2 * p->taps + 2 * p->out_w * p->out_c;
}
