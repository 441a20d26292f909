#include "conv_2d_dsp_s4.h"

#include "mg_conv_dsp.h"
#include "mg_dsp_s4.h"

/* Column of a pixel, `slot` 0 or 1 (per int16 word, pixel 0's then pixel 1's); returns the sum
 * of its taps. */
static int32_t gather_column(const mg_conv_2d_dsp_params *p, const int8_t *in_b, int16_t *col, int32_t slot,
                             int32_t iy0, int32_t ix0)
{
    return mg_conv_dsp_gather(p, in_b, col + slot * 2, 4, iy0, ix0, 1);
}

/* All channels of both columns into dst0 and (when dst1 is not NULL) dst1; off0 and off1 are 8
 * times the columns' tap sums (the weights' offset). Pairs go from the last to the first, as in
 * conv_2d_dsp_s8 (an odd out_c's padding byte is overwritten afterwards). */
static inline __attribute__((always_inline)) void channel_pairs(const mg_conv_2d_dsp_params *p,
                                                                const int16_t *cols, int32_t off0,
                                                                int32_t off1, int8_t *dst0, int8_t *dst1,
                                                                const int lean)
{
    const int32_t turns = p->col_len / 8, pair_words = p->col_len / 4;
    const int32_t out_off = p->output_offset, lo = p->act_min, hi = p->act_max;
    const uint32_t *x = (const uint32_t *)__builtin_assume_aligned(cols, 4);
    const uint32_t *w = (const uint32_t *)__builtin_assume_aligned(p->filter, 4);
    int32_t pair = (p->out_c + 1) / 2;
    while (pair-- > 0) {
        const int32_t *q = p->quant + pair * 4;
        const int8_t *sh = p->shift + pair * 2;
        int32_t a00 = q[0] - off0, a01 = q[0] - off1, a10 = q[2] - off0, a11 = q[2] - off1;
        MG_DOT4_2X2(w + pair * pair_words, x, turns, a00, a01, a10, a11);
        {
            /* every constant is read before the first int8 store, which could alias them */
            const int32_t m0 = q[1], m1 = q[3], s0 = sh[0], s1 = sh[1];
            const int32_t v00 = MG_DSP_OUT(lean, a00, m0, s0, out_off, lo, hi);
            const int32_t v10 = MG_DSP_OUT(lean, a10, m1, s1, out_off, lo, hi);
            const int32_t v01 = MG_DSP_OUT(lean, a01, m0, s0, out_off, lo, hi);
            const int32_t v11 = MG_DSP_OUT(lean, a11, m1, s1, out_off, lo, hi);
            dst0[2 * pair] = (int8_t)v00;
            dst0[2 * pair + 1] = (int8_t)v10;
            if (dst1 != NULL) {
                dst1[2 * pair] = (int8_t)v01;
                dst1[2 * pair + 1] = (int8_t)v11;
            }
        }
    }
}

static void channels_lean(const mg_conv_2d_dsp_params *p, const int16_t *cols, int32_t off0, int32_t off1,
                          int8_t *dst0, int8_t *dst1)
{
    channel_pairs(p, cols, off0, off1, dst0, dst1, 1);
}

static void channels_exact(const mg_conv_2d_dsp_params *p, const int16_t *cols, int32_t off0, int32_t off1,
                           int8_t *dst0, int8_t *dst1)
{
    channel_pairs(p, cols, off0, off1, dst0, dst1, 0);
}

static inline __attribute__((always_inline)) void pair(const mg_conv_2d_dsp_params *p, const int8_t *in_b, int32_t iy0, int32_t ix0, int8_t *dst0,
                 int32_t iy1, int32_t ix1, int8_t *dst1)
{
    int16_t *cols = (int16_t *)(void *)p->scratch;
    const int32_t sum0 = gather_column(p, in_b, cols, 0, iy0, ix0);
    /* a lone last pixel takes its own column as partner too, whose outputs are not stored */
    const int32_t sum1 = dst1 != NULL ? gather_column(p, in_b, cols, 1, iy1, ix1)
                                      : gather_column(p, in_b, cols, 1, iy0, ix0);
    if (p->lean) {
        channels_lean(p, cols, 8 * sum0, 8 * sum1, dst0, dst1);
    } else {
        channels_exact(p, cols, 8 * sum0, 8 * sum1, dst0, dst1);
    }
}

mg_status mg_conv_2d_dsp_s4(const mg_conv_2d_dsp_s4_params *p, const int8_t *in, int8_t *out)
{
    if (mg_conv_dsp_check(p, in, out) != MG_OK) {
        return MG_ERR_ARG;
    }
    mg_conv_dsp_walk(p, in, out, pair);
    return MG_OK;
}

int32_t mg_conv_2d_dsp_s4_scratch_bytes(const mg_conv_2d_dsp_s4_params *p)
{
    return mg_conv_dsp_scratch_bytes(p);
}
