/* mcugen DSP matrix walks for CONV_2D and FULLY_CONNECTED with the lean output stage: int8
 * weights (laid out at generate time, mcugen/ops/variants_mm.py) times int16 activation columns,
 * 2 MACs per SMLAD, the requantization inlined, all channels of a pixel block in one loop.
 *
 * Columns: per group of 4 taps, each pixel's taps as two words of int16 pairs in sxtb16 order
 * ((t0, t2), (t1, t3)); the pixels of a block interleave group by group (3 pixels for CONV_2D:
 * 24 bytes a group, 1 for FULLY_CONNECTED: 8 bytes). After the last group comes MG_MM_SENTINEL:
 * the loops stop on it (no int16 pair of int8 values equals it), so no counter register is
 * needed and a block of three pixels fits the 14 usable registers. The loops take 16 taps a
 * turn (the first turn fewer: any group count); the generator pads the taps to a multiple of 4
 * with zero weights (FULLY_CONNECTED: of 8, its walk takes groups in pairs).
 *
 * Weight streams: everything a channel block needs, in walking order, so one pointer reads it:
 * CONV_2D, per channel pair (last pair first): bias of channels 2i and 2i + 1, then per group the
 *   4 weights of channel 2i and the 4 of channel 2i + 1, then the multipliers of 2i + 1 and 2i;
 * FULLY_CONNECTED, per quad (first quad first): the 4 biases, per group 4 weights of each of the
 *   4 channels, then the 4 multipliers; the last output_depth % 4 channels follow one by one:
 *   bias, multiplier, weights.
 * Biases are the folded ones (bias + input_offset * sum of the channel's weights). CONV_2D
 * columns hold twice the input and its streams twice the bias: the walks' accumulators are the
 * doubled ones the output stage wants (one instruction less an output; the proof keeps every
 * |accumulator| below 2^30, so twice it fits).
 *
 * The lean output stage (mg_mm_out), proved exact by the generator for every accumulator the
 * weights and biases can produce: v = SMMLAR(2 acc, m, (2 zp + 1) << (rs - 1) - fix) >> (rs - 1),
 * out = SSAT8(v >> 1), i.e. TFLM's SaturatingRoundingDoublingHighMul, RoundingDivideByPOT(rs) and
 * the output zero point in one rounding chain (rs >= 1). `fix` = 1 for a negative accumulator
 * (RoundingDivideByPOT rounds ties away from zero); a layer whose zero point is -128 (ReLU-type
 * activations on the full int8 range) gets the same bytes without it (`relu` walks), since every
 * negative accumulator saturates to -128 either way. Shifts: one int8 (rs - 1) per channel. */
#ifndef MG_MM_DSP_H
#define MG_MM_DSP_H

#include "mg_conv_mm.h"
#include "mg_dsp.h"

#define MG_MM_SENTINEL 0x80008000u

/* SSAT to int8 of v >> 1 (one instruction on the DSP cores). */
static inline int32_t mg_ssat8_asr1(int32_t v)
{
#if MG_DSP_NATIVE
    int32_t r;
    __asm__("ssat %0, #8, %1, asr #1" : "=r"(r) : "r"(v));
    return r;
#else
    return mg_ssat8(v >> 1);
#endif
}

/* The lean output stage of a doubled accumulator x2 = 2 acc (see above). */
static inline int32_t mg_mm_out2(int32_t x2, int32_t m, int32_t rsm1, int32_t k, int fix)
{
    int32_t c = (int32_t)((uint32_t)k << rsm1);
    if (fix) {
        c -= (int32_t)((uint32_t)x2 >> 31);
    }
    return mg_ssat8_asr1(mg_smmlar(x2, m, c) >> rsm1);
}

/* The lean output stage of one accumulator (see above). */
static inline int32_t mg_mm_out(int32_t acc, int32_t m, int32_t rsm1, int32_t k, int fix)
{
    return mg_mm_out2(acc + acc, m, rsm1, k, fix);
}

/* Twice each int16 lane (of sign-extended int8 values, so no lane overflows): SADD16. */
static inline uint32_t mg_mm_double16(uint32_t v)
{
#if MG_DSP_NATIVE
    return (uint32_t)__sadd16((int16x2_t)v, (int16x2_t)v);
#else
    return (v << 1) & 0xFFFEFFFFu;
#endif
}

static inline int32_t mg_mm_read_i32(const int8_t *p)
{
    return (int32_t)mg_read_u32(p);
}

#if MG_DSP_NATIVE
/* one output: acc register A; in the epilogue w0 = m, w1 = shifts (low byte: rs - 1),
 * w0h = (2 zp + 1) << (rs - 1), w1h = scratch */
#define MG_MM_OUT_FIX(A, STORE)                                                                 \
    "add    %[" A "], %[" A "], %[" A "]\n\t"                                                   \
    "sub    %[w1h], %[w0h], %[" A "], lsr #31\n\t"                                             \
    "smmlar %[" A "], %[" A "], %[w0], %[w1h]\n\t"                                              \
    "asr    %[" A "], %[" A "], %[w1]\n\t"                                                      \
    "ssat   %[" A "], #8, %[" A "], asr #1\n\t"                                                 \
    "strb   %[" A "], " STORE "\n\t"
#define MG_MM_OUT_RELU(A, STORE)                                                                \
    "add    %[" A "], %[" A "], %[" A "]\n\t"                                                   \
    "smmlar %[" A "], %[" A "], %[w0], %[w0h]\n\t"                                              \
    "asr    %[" A "], %[" A "], %[w1]\n\t"                                                      \
    "ssat   %[" A "], #8, %[" A "], asr #1\n\t"                                                 \
    "strb   %[" A "], " STORE "\n\t"
#endif

/* ---- columns --------------------------------------------------------------------------------- */

/* `n` int8 taps at x into pixel slot `slot`, groups `step` int16 apart (a ragged end: zero taps
 * up to the group's end); mg_mm_widen2: doubled, into a 3-pixel CONV_2D column's slot. */
void mg_mm_widen(const int8_t *x, int32_t n, int16_t *slot, int32_t step);
void mg_mm_widen2(const int8_t *x, int32_t n, int16_t *slot);

/* `n` (a multiple of 8, > 0) int8 taps at x (word-aligned) into a 3-pixel CONV_2D column's slot,
 * doubled, inline: on the DSP cores one LDRD, four SXTB16, four SADD16 and two STRD per 8 taps. */
static inline __attribute__((always_inline)) void mg_mm_widen8(const int8_t *x, int32_t n, int16_t *slot)
{
    const int8_t *end = x + n;
#if MG_DSP_NATIVE
    uint32_t a, b, c;
    __asm__ volatile("1:\n\t"
                     "ldrd   %[a], %[b], [%[x]], #8\n\t"
                     "sxtb16 %[c], %[b], ror #8\n\t"
                     "sxtb16 %[b], %[b]\n\t"
                     "sadd16 %[c], %[c], %[c]\n\t"
                     "sadd16 %[b], %[b], %[b]\n\t"
                     "strd   %[b], %[c], [%[s], #24]\n\t"
                     "sxtb16 %[c], %[a], ror #8\n\t"
                     "sxtb16 %[a], %[a]\n\t"
                     "sadd16 %[c], %[c], %[c]\n\t"
                     "sadd16 %[a], %[a], %[a]\n\t"
                     "strd   %[a], %[c], [%[s]], #48\n\t"
                     "cmp    %[x], %[end]\n\t"
                     "bne    1b\n\t"
                     : [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [x] "+r"(x), [s] "+r"(slot)
                     : [end] "r"(end)
                     : "cc", "memory");
#else
    for (; x < end; x += 8, slot += 24) {
        const uint32_t a = mg_read_u32(x), b = mg_read_u32(x + 4);
        mg_write_u32(slot, mg_mm_double16(mg_sxtb16(a)));
        mg_write_u32(slot + 2, mg_mm_double16(mg_sxtb16_ror8(a)));
        mg_write_u32(slot + 12, mg_mm_double16(mg_sxtb16(b)));
        mg_write_u32(slot + 14, mg_mm_double16(mg_sxtb16_ror8(b)));
    }
#endif
}

/* `n` (a multiple of 4) int8 taps at x into a 3-pixel CONV_2D column's slot, doubled (LDRD where x
 * is word-aligned, as the arena places tensors; the overlap contract allows any byte offset). */
void mg_mm_widen3(const int8_t *x, int32_t n, int16_t *slot);

/* A column of `groups` groups for `pixels` interleaved pixels, zeroed, then the sentinel. */
static inline void mg_mm_column_init(int16_t *col, int32_t groups, int32_t pixels)
{
    const int32_t words = groups * pixels * 2;
    int32_t i;
    for (i = 0; i < words; ++i) {
        mg_write_u32(col + 2 * i, 0);
    }
    mg_write_u32(col + 2 * words, MG_MM_SENTINEL);
    mg_write_u32(col + 2 * words + 2, MG_MM_SENTINEL);
}

/* The window whose top-left tap is (iy0, ix0) tap by tap (the zero point outside the image)
 * into `raw` (filter_h * filter_w * in_c bytes, row after row): any window, slowly. */
void mg_conv_mm_window(const mg_conv_2d_mm_params *p, const int8_t *in_b, int8_t *raw, int32_t iy0, int32_t ix0);

/* ---- the CONV_2D walks (declared in mg_conv_mm.h) and driver: firmware/kernels/mg_mm_dsp.c,
 * compiled once. A walk takes `pairs` channel pairs of a CONV_2D stream from `w` over the three
 * pixels of `col`; pixel j's channel c goes to dst + j * stride + c (odd out_c: also one byte at
 * dst + j * stride + out_c, which the pairs walking down leave to the next pixel's channel 0,
 * written later, or to slack after the last pixel). It returns the stream after the pairs. */

/* CONV_2D after the checks: with p->widen, the stream widened into scratch first; then output
 * pixels three at a time in raster order: `gather` widens the windows of the `n` (1 to 3) pixels
 * from (oy, ox) on, across a row's end, into the column's slots (pixels past the image keep their
 * last values: defined, and their outputs land in the staging slack), then one walk over every
 * channel pair; rows stream out through the staging area at scratch + stage_at (mg_conv_mm.h). */
typedef void (*mg_conv_mm_gather)(const mg_conv_2d_mm_params *p, const int8_t *in_b, const int8_t *in_end,
                                  int16_t *col, int32_t oy, int32_t ox, int32_t n);
void mg_conv_mm_run(const mg_conv_2d_mm_params *p, const int8_t *in, int8_t *out, int32_t stage_at,
                    mg_conv_mm_gather gather);

/* The gather of pointwise layers (1x1 filter, no padding): each pixel's in_c taps. */
void mg_conv_mm_gather_1x1(const mg_conv_2d_mm_params *p, const int8_t *in_b, const int8_t *in_end, int16_t *col,
                           int32_t oy, int32_t ox, int32_t n);

#endif /* MG_MM_DSP_H */
