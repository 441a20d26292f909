#include "conv_2d_dsp_s8.h"

#include "mg_conv_dsp.h"

/* Column of a pixel: `slot` 0 or 1 of the interleaved pair (per group of 4 taps, pixel 0's two
 * words, then pixel 1's). */
static void gather_column(const mg_conv_2d_dsp_params *p, const int8_t *in_b, int16_t *col, int32_t slot,
                          int32_t iy0, int32_t ix0)
{
    (void)mg_conv_dsp_gather(p, in_b, col + slot * 4, 2, iy0, ix0, 0);
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

static inline __attribute__((always_inline)) void pair(const mg_conv_2d_dsp_params *p, const int8_t *in_b, int32_t iy0, int32_t ix0, int8_t *dst0,
                 int32_t iy1, int32_t ix1, int8_t *dst1)
{
    int16_t *cols = (int16_t *)(void *)p->scratch;
    gather_column(p, in_b, cols, 0, iy0, ix0);
    if (dst1 != NULL) {
        gather_column(p, in_b, cols, 1, iy1, ix1);
        if (p->lean) {
            pixel_pair_lean(p, cols, dst0, dst1);
        } else {
            pixel_pair_exact(p, cols, dst0, dst1);
        }
    } else {
        pixel_one(p, cols, dst0);
    }
}

mg_status mg_conv_2d_dsp_s8(const mg_conv_2d_dsp_params *p, const int8_t *in, int8_t *out)
{
    if (mg_conv_dsp_check(p, in, out) != MG_OK) {
        return MG_ERR_ARG;
    }
    mg_conv_dsp_walk(p, in, out, pair);
    return MG_OK;
}

int32_t mg_conv_2d_dsp_s8_scratch_bytes(const mg_conv_2d_dsp_params *p)
{
    return mg_conv_dsp_scratch_bytes(p);
}
