/* mcugen xtensa kernel variant helpers (mcugen/ops/variants_xtensa.py lays out their data).
 *
 * The Xtensa LX cores load bytes zero-extended only (L8UI): a signed int8 costs two more
 * instructions on the ESP8266's LX106 (no SEXT) and one on the ESP32's LX6. So the xtensa kernels
 * multiply unsigned bytes: weights are stored offset by 128 (w + 128, 0..255), activations are
 * offset the same way once per window (x ^ 0x80), and the offsets' cross terms are folded into
 * the bias (per channel, in Python) and into one window sum (per pixel, shared by every output
 * channel). Products of two bytes fit MUL16U; accumulators stay 32-bit and exact.
 *
 * Requantization without a 64-bit multiply: the LX106 has MULL (low 32 bits) and the 16-bit
 * multiplies but no MULSH/MULUH, so GCC calls a 64-bit multiply helper for TFLM's doubling high
 * multiply; mg_xt_requantize builds it from four 16 x 16 pieces instead. The ESP32's LX6 has
 * MULSH: there (windowed-ABI Xtensa) the plain 64-bit product is two instructions. */
#ifndef MG_XTENSA_H
#define MG_XTENSA_H

#include <string.h>

#include "mg_types.h"

/* floor((a * m + 2^30) / 2^31) for m >= 0: gemmlowp's SaturatingRoundingDoublingHighMul, whose
 * only saturating case needs m = INT32_MIN. */
static inline int32_t mg_xt_doubling_high_mul(int32_t a, int32_t m)
{
#if defined(__XTENSA__) && !defined(__XTENSA_CALL0_ABI__)
    return (int32_t)(((int64_t)a * (int64_t)m + ((int64_t)1 << 30)) >> 31);
#else
    /* a = ah * 2^16 + al, m = mh * 2^16 + ml (ah signed; al, mh, ml unsigned; mh < 2^15):
     * a * m + 2^30 = ah*mh * 2^32 + (ah*ml + al*mh) * 2^16 + al*ml + 2^30, so the result is
     * 2*ah*mh + floor((A + B) / 2^15) with A = ah*ml (signed, |A| < 2^31) and
     * B = al*mh + (al*ml >> 16) + 2^14 (unsigned, < 2^32), split to stay in 32 bits. */
    const int32_t ah = a >> 16; /* arithmetic: floor */
    const uint32_t al = (uint32_t)a & 0xFFFFu;
    const uint32_t mh = (uint32_t)m >> 16, ml = (uint32_t)m & 0xFFFFu;
    const int32_t high = (int32_t)(int16_t)ah * (int32_t)(int16_t)mh; /* MUL16S */
    const int32_t cross_a = ah * (int32_t)ml;                          /* MULL */
    const uint32_t cross_b = (uint16_t)al * (uint32_t)(uint16_t)mh     /* MUL16U */
                             + (((uint16_t)al * (uint32_t)(uint16_t)ml) >> 16) + (1u << 14);
    const uint32_t carry = (((uint32_t)cross_a & 0x7FFFu) + (cross_b & 0x7FFFu)) >> 15;
    return (int32_t)((uint32_t)(2 * high) + (uint32_t)(cross_a >> 15) + (cross_b >> 15) + carry);
#endif
}

/* TFLM MultiplyByQuantizedMultiplier for a multiplier >= 0 (every multiplier QuantizeMultiplier
 * makes) and a right shift (TFLM's shift <= 0, as in every model seen; the generator checks):
 * equal to mg_requantize. The rounding divide by 2^rs is gemmlowp's RoundingDivideByPOT:
 * (v >> rs) + ((v & mask) > (mask >> 1) + (v < 0)), with mask = 2^rs - 1. */
static inline int32_t mg_xt_requantize(int32_t x, int32_t multiplier, uint32_t right_shift)
{
    const int32_t v = mg_xt_doubling_high_mul(x, multiplier);
    const int32_t mask = (int32_t)((1u << right_shift) - 1u);
    const int32_t threshold = (mask >> 1) + (int32_t)((uint32_t)v >> 31);
    return (v >> right_shift) + (int32_t)((v & mask) > threshold);
}

/* The output stage of every xtensa kernel with weights: requantize, zero point, clamp. On the
 * LX106 spelled out branch-free (MOVLTZ clamps; GCC's version is half as long again): 38
 * instructions. */
static inline int8_t mg_xt_output(int32_t acc, int32_t multiplier, uint32_t right_shift, int32_t out_offset,
                                  int32_t lo, int32_t hi)
{
#if defined(__XTENSA__) && defined(__XTENSA_CALL0_ABI__)
    int32_t t0, t1, t2;
    __asm__("srai   %[t0], %[x], 16\n\t"          /* ah */
            "extui  %[x], %[x], 0, 16\n\t"        /* al */
            "srli   %[t1], %[m], 16\n\t"          /* mh */
            "extui  %[m], %[m], 0, 16\n\t"        /* ml */
            "mull   %[t2], %[t0], %[t1]\n\t"      /* ah * mh */
            "mull   %[t0], %[t0], %[m]\n\t"       /* A = ah * ml */
            "mul16u %[t1], %[x], %[t1]\n\t"       /* al * mh */
            "mul16u %[x], %[x], %[m]\n\t"         /* al * ml */
            "srli   %[x], %[x], 16\n\t"
            "add    %[t1], %[t1], %[x]\n\t"
            "addmi  %[t1], %[t1], 0x4000\n\t"     /* B = al*mh + (al*ml >> 16) + 2^14 */
            "extui  %[x], %[t0], 0, 15\n\t"
            "extui  %[m], %[t1], 0, 15\n\t"
            "add    %[x], %[x], %[m]\n\t"
            "srli   %[x], %[x], 15\n\t"           /* the carry of the low 15 bits */
            "srai   %[t0], %[t0], 15\n\t"
            "srli   %[t1], %[t1], 15\n\t"
            "add    %[t0], %[t0], %[t1]\n\t"
            "add    %[t0], %[t0], %[x]\n\t"
            "addx2  %[x], %[t2], %[t0]\n\t"       /* v: the doubling high multiply */
            "movi   %[m], 1\n\t"
            "ssl    %[rs]\n\t"
            "sll    %[m], %[m]\n\t"
            "addi   %[m], %[m], -1\n\t"           /* mask */
            "srai   %[t1], %[m], 1\n\t"
            "extui  %[t2], %[x], 31, 1\n\t"
            "add    %[t1], %[t1], %[t2]\n\t"      /* threshold */
            "and    %[m], %[x], %[m]\n\t"         /* remainder */
            "ssr    %[rs]\n\t"
            "sra    %[x], %[x]\n\t"
            "sub    %[t1], %[t1], %[m]\n\t"
            "srli   %[t1], %[t1], 31\n\t"         /* remainder > threshold */
            "add    %[x], %[x], %[t1]\n\t"
            "add    %[x], %[x], %[off]\n\t"
            "sub    %[t1], %[x], %[lo]\n\t"
            "movltz %[x], %[lo], %[t1]\n\t"
            "sub    %[t1], %[hi], %[x]\n\t"
            "movltz %[x], %[hi], %[t1]\n\t"
            : [x] "+&r"(acc), [m] "+&r"(multiplier), [t0] "=&r"(t0), [t1] "=&r"(t1), [t2] "=&r"(t2)
            : [rs] "r"(right_shift), [off] "r"(out_offset), [lo] "r"(lo), [hi] "r"(hi));
    return (int8_t)acc;
#else
    return (int8_t)mg_clamp_i32(mg_xt_requantize(acc, multiplier, right_shift) + out_offset, lo, hi);
#endif
}

/* Four int8 activations at a word-aligned address as unsigned bytes (x + 128), little-endian
 * in one word: one load and one XOR for four. */
static inline uint32_t mg_xt_offset_word(const int8_t *x)
{
    uint32_t w;
    memcpy(&w, __builtin_assume_aligned(x, 4), 4);
    return w ^ 0x80808080u;
}

/* Bytes of int8 activations as unsigned (x + 128), into `dst`; returns their sum. */
static inline uint32_t mg_xt_offset_bytes(const int8_t *src, uint8_t *dst, int32_t n)
{
    uint32_t sum = 0;
    int32_t i;
    for (i = 0; i < n; ++i) {
        const uint32_t u = (uint8_t)src[i] ^ 0x80u;
        dst[i] = (uint8_t)u;
        sum += u;
    }
    return sum;
}

/* Four channels' dot products with one unsigned column: acc[j] += sum_k x[k] * w[4k + j]
 * (weights of four channels interleaved tap by tap: one pointer, one load per product). On
 * Xtensa two taps a turn in assembly, 29 instructions for 8 products (31 when the weights sit
 * where only word loads reach: MG_CONST_SECTION); the loop stays within a conditional branch's
 * reach, which LLVM's assembler does not relax. */
static inline void mg_xt_dot4(const uint8_t *x, const uint8_t *w, int32_t n, uint32_t acc[4])
{
    uint32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    int32_t k = 0;
#if defined(__XTENSA__)
    if (n >= 2) {
        const uint8_t *end = x + (n & ~1);
        uint32_t xv, t0, t1, wv;
#if defined(MG_CONST_SECTION) /* weights in memory only 32-bit loads read (ESP8266 flash) */
#define MG_XT_TAP(xo, wo)                                                                      \
        "l8ui   %[xv], %[x], " #xo "\n\t"                                                     \
        "l32i   %[wv], %[w], " #wo "\n\t"                                                     \
        "extui  %[t0], %[wv], 0, 8\n\t"                                                       \
        "extui  %[t1], %[wv], 8, 8\n\t"                                                       \
        "mul16u %[t0], %[t0], %[xv]\n\t"                                                      \
        "mul16u %[t1], %[t1], %[xv]\n\t"                                                      \
        "add    %[a0], %[a0], %[t0]\n\t"                                                      \
        "add    %[a1], %[a1], %[t1]\n\t"                                                      \
        "extui  %[t0], %[wv], 16, 8\n\t"                                                      \
        "extui  %[t1], %[wv], 24, 8\n\t"                                                      \
        "mul16u %[t0], %[t0], %[xv]\n\t"                                                      \
        "mul16u %[t1], %[t1], %[xv]\n\t"                                                      \
        "add    %[a2], %[a2], %[t0]\n\t"                                                      \
        "add    %[a3], %[a3], %[t1]\n\t"
#else
#define MG_XT_TAP(xo, wo)                                                                      \
        "l8ui   %[xv], %[x], " #xo "\n\t"                                                     \
        "l8ui   %[t0], %[w], " #wo "\n\t"                                                     \
        "l8ui   %[t1], %[w], " #wo " + 1\n\t"                                                 \
        "mul16u %[t0], %[t0], %[xv]\n\t"                                                      \
        "mul16u %[t1], %[t1], %[xv]\n\t"                                                      \
        "add    %[a0], %[a0], %[t0]\n\t"                                                      \
        "add    %[a1], %[a1], %[t1]\n\t"                                                      \
        "l8ui   %[t0], %[w], " #wo " + 2\n\t"                                                 \
        "l8ui   %[t1], %[w], " #wo " + 3\n\t"                                                 \
        "mul16u %[t0], %[t0], %[xv]\n\t"                                                      \
        "mul16u %[t1], %[t1], %[xv]\n\t"                                                      \
        "add    %[a2], %[a2], %[t0]\n\t"                                                      \
        "add    %[a3], %[a3], %[t1]\n\t"
#endif
        __asm__("1:\n\t"
                MG_XT_TAP(0, 0) MG_XT_TAP(1, 4)
                "addi   %[x], %[x], 2\n\t"
                "addi   %[w], %[w], 8\n\t"
                "bltu   %[x], %[end], 1b\n\t"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [x] "+r"(x), [w] "+r"(w),
                  [xv] "=&r"(xv), [t0] "=&r"(t0), [t1] "=&r"(t1), [wv] "=&r"(wv)
                : [end] "r"(end)
                : "memory");
#undef MG_XT_TAP
        n &= 1;
        (void)wv;
    }
#endif
    for (; k < n; ++k, w += 4) {
        const uint32_t xk = x[k];
        a0 += xk * w[0];
        a1 += xk * w[1];
        a2 += xk * w[2];
        a3 += xk * w[3];
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* The output zero point and the activation's clamp: one struct, so that the output helpers take
 * few arguments (six fit the windowed ABI's argument registers: more make LLVM move the stack
 * pointer around the call, MOVSP, an alloca exception on the ESP32). */
typedef struct {
    int32_t offset; /* the output zero point */
    int32_t lo, hi; /* the activation range */
} mg_xt_range;

/* The per-channel output constants of a kernel with weights (each array padded to a multiple
 * of 4 channels), as its params struct's last fields before the scratch. */
#define MG_XT_QUANT_FIELDS                                                                      \
    const int32_t *bias;       /* the folded bias with the weights' offset term (see above) */  \
    const int32_t *multiplier; /* >= 0 */                                                        \
    const uint8_t *right_shift; /* -TFLM's shift: 0..31 */                                       \
    mg_xt_range out;
#define MG_XT_QUANT(p) (p)->bias, (p)->multiplier, (p)->right_shift, &(p)->out

/* Up to four outputs from their sums (bias included): a function of its own, so that its few
 * values stay in registers (inlined into a kernel's loops, GCC spills them on the LX106). */
static __attribute__((noinline, unused)) void mg_xt_outputs4(const uint32_t acc[4], int32_t count,
                                                             const int32_t *multiplier, const uint8_t *right_shift,
                                                             const mg_xt_range *range, int8_t *dst)
{
    const int32_t offset = range->offset, lo = range->lo, hi = range->hi;
    for (; count > 0; --count) { /* modulo 2^32: TFLM's int32 sum */
        *dst++ = mg_xt_output((int32_t)*acc++, *multiplier++, *right_shift++, offset, lo, hi);
    }
}

/* Every output channel of one column: dst[c] for c < channels, from the unsigned column x (n
 * bytes), `column_term` (-128 times its sum, modulo 2^32) and the weights of four channels at a
 * time ([ceil(channels / 4)][n][4], each w + 128). */
static inline void mg_xt_channels(const uint8_t *x, int32_t n, uint32_t column_term, const uint8_t *w,
                                  const int32_t *bias, const int32_t *multiplier, const uint8_t *right_shift,
                                  const mg_xt_range *range, int32_t channels, int8_t *dst)
{
    int32_t c, j;
    for (c = 0; c < channels; c += 4, w += (size_t)n * 4u) {
        uint32_t acc[4];
        for (j = 0; j < 4; ++j) {
            acc[j] = (uint32_t)bias[c + j] + column_term;
        }
        mg_xt_dot4(x, w, n, acc);
        mg_xt_outputs4(acc, channels - c < 4 ? channels - c : 4, multiplier + c, right_shift + c, range, dst + c);
    }
}

#endif /* MG_XTENSA_H */
