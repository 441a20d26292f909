/* mcugen Cortex-M0/M0+ kernel helpers (the `m0` kernel variant): ARMv6-M has no DSP extension,
 * no 32x32->64 multiply (a 64-bit product is a libgcc call) and, for most instructions, only the
 * eight low registers; LDRSB has no immediate-offset form.
 *
 * So the M0 kernels
 *  - requantize with 32x32->32 multiplies of 16-bit halves (mg_m0_requantize, exact);
 *  - read bytes with LDRB and an immediate offset, as unsigned "offset-binary" values: an int8
 *    value x is stored as u = x + 128. The generator stores weights that way (v = w + 128) and the
 *    kernels gather activations that way, and since
 *        sum (u - 128)(v - 128) = sum u v - 128 sum u - 128 sum v + 16384 n
 *    the sums of v are folded into the bias at generate time and the sum of u is counted once
 *    per pixel. Sums wrap modulo 2^32 (uint32_t): the true int32 result comes out exactly;
 *  - keep accumulators in high registers (r8-r12), which ADD reaches, in the inner loops.
 * Each loop also has a plain-C form, compiled elsewhere (host under ASan/UBSan, other cores), so
 * the same kernels are checked bit for bit everywhere. */
#ifndef MG_M0_H
#define MG_M0_H

#include "mg_types.h"

#if defined(__ARM_ARCH_6M__) || defined(__ARM_ARCH_8M_BASE__)
#define MG_M0_NATIVE 1
#else
#define MG_M0_NATIVE 0
#endif

/* floor((a * m + 2^30) / 2^31) for m in [0, 2^31): TFLM's SaturatingRoundingDoublingHighMul for
 * a non-negative multiplier (never saturates), from four 16x16 products that fit 32 bits:
 *   a * m = ah mh 2^32 + (ah ml + al mh) 2^16 + al ml,   a = ah 2^16 + al, m = mh 2^16 + ml. */
static inline int32_t mg_m0_high_mul(int32_t a, int32_t m)
{
    const uint32_t al = (uint32_t)a & 0xFFFFu, ml = (uint32_t)m & 0xFFFFu;
    const int32_t ah = a >> 16, mh = m >> 16;
    const uint32_t p0 = al * ml;                  /* < 2^32 */
    const int32_t p1 = ah * (int32_t)ml;          /* |p1| < 2^31 */
    const uint32_t p2 = al * (uint32_t)mh;        /* < 2^31 */
    const int32_t p3 = ah * mh;                   /* |p3| <= 2^30 */
    /* floor((2^16 (p1 + p2) + p0 + 2^30) / 2^31), with p1 split so no sum leaves 32 bits */
    const uint32_t low = ((uint32_t)p1 & 0x7FFFu) + p2 + (p0 >> 16) + 0x4000u;
    return mg_wrap_i32((int64_t)(2u * (uint32_t)p3 + (uint32_t)(p1 >> 15) + (low >> 15)));
}

/* TFLM MultiplyByQuantizedMultiplier(acc, m, shift) for m >= 0 (QuantizeMultiplier never makes a
 * negative one): equal to mg_requantize there when |acc| + 2^(rs - 1) < 2^31 for a right shift
 * rs = -shift (the generator proves it per layer from the weights and bias, mcugen/ops/variants_m0.py):
 * the rounding divide by 2^rs is then (v + 2^(rs - 1) - [v < 0]) >> rs with |v| <= |acc|,
 * gemmlowp's round half away from zero. */
static inline int32_t mg_m0_requantize(int32_t acc, int32_t m, int32_t shift)
{
    int32_t v;
    if (shift > 0) {
        return mg_m0_high_mul((int32_t)((uint32_t)acc << shift), m);
    }
    v = mg_m0_high_mul(acc, m);
    if (shift < 0) {
        const int32_t rs = -shift;
        v = mg_wrap_i32((int64_t)((uint32_t)v + (1u << (rs - 1)) - ((uint32_t)v >> 31))) >> rs;
    }
    return v;
}

/* The output stage of every M0 kernel: requantize, add the output zero point, clamp. */
static inline int8_t mg_m0_out(int32_t acc, int32_t m, int32_t shift, int32_t out_off, int32_t lo, int32_t hi)
{
    return (int8_t)mg_clamp_i32(mg_m0_requantize(acc, m, shift) + out_off, lo, hi);
}

/* The lean output stage: requantize `acc` for a channel whose TFLM shift is a right shift
 * rs >= 1 (the generator proves it for the whole layer, and |acc| + half < 2^31), where
 * half = 2^(rs - 1). On ARMv6-M: 26 instructions, no branch. */
#if MG_M0_NATIVE
static inline int32_t mg_m0_requantize_rs(int32_t acc, int32_t m, int32_t rs, int32_t half)
{
    uint32_t al, ah, ml;
    __asm__(".syntax unified\n\t"
            "uxth %[al], %[a]\n\t"
            "asrs %[ah], %[a], #16\n\t"
            "uxth %[ml], %[m]\n\t"
            "lsrs %[m], %[m], #16\n\t"      /* mh */
            "movs %[a], %[al]\n\t"
            "muls %[a], %[ml], %[a]\n\t"    /* p0 = al ml */
            "muls %[al], %[m], %[al]\n\t"   /* p2 = al mh */
            "muls %[ml], %[ah], %[ml]\n\t"  /* p1 = ah ml */
            "muls %[ah], %[m], %[ah]\n\t"   /* p3 = ah mh */
            "lsrs %[a], %[a], #16\n\t"
            "adds %[al], %[al], %[a]\n\t"
            "lsls %[a], %[ml], #17\n\t"
            "lsrs %[a], %[a], #17\n\t"
            "adds %[al], %[al], %[a]\n\t"
            "movs %[a], #1\n\t"
            "lsls %[a], %[a], #14\n\t"
            "adds %[al], %[al], %[a]\n\t"
            "lsrs %[al], %[al], #15\n\t"
            "asrs %[ml], %[ml], #15\n\t"
            "lsls %[ah], %[ah], #1\n\t"
            "adds %[ah], %[ah], %[ml]\n\t"
            "adds %[a], %[ah], %[al]\n\t"   /* v = high_mul(acc, m) */
            "lsrs %[ml], %[a], #31\n\t"
            "subs %[a], %[a], %[ml]\n\t"
            "adds %[a], %[a], %[half]\n\t"
            "asrs %[a], %[a], %[rs]\n\t"
            : [a] "+l"(acc), [m] "+l"(m), [al] "=&l"(al), [ah] "=&l"(ah), [ml] "=&l"(ml)
            : [rs] "l"(rs), [half] "l"(half)
            : "cc");
    return acc;
}
#else
static inline int32_t mg_m0_requantize_rs(int32_t acc, int32_t m, int32_t rs, int32_t half)
{
    const uint32_t v = (uint32_t)mg_m0_high_mul(acc, m);
    return mg_wrap_i32((int64_t)(v + (uint32_t)half - (v >> 31))) >> rs;
}
#endif

/* Per-channel constants of the M0 kernels, 4 words: folded bias, multiplier, then either (lean
 * layer) the right shift and half its step, or TFLM's shift and 0. */
#define MG_M0_QUANT_WORDS 4

/* Output value of accumulator `acc` for the channel whose constants are q[1..3]. */
static inline int8_t mg_m0_output(int lean, int32_t acc, const int32_t *q, int32_t out_off, int32_t lo, int32_t hi)
{
    const int32_t v = lean ? mg_m0_requantize_rs(acc, q[1], q[2], q[3]) : mg_m0_requantize(acc, q[1], q[2]);
    return (int8_t)mg_clamp_i32(v + out_off, lo, hi);
}

/* ---- offset-binary dot products -----------------------------------------------------------
 * Taps come in runs of 8, two operands per tap interleaved byte by byte: a column pair holds
 * u(pixel 0, t), u(pixel 1, t) at [2t], [2t + 1]; a weight pair v(channel 0, t), v(channel 1, t).
 * MG_M0_DOT_2X2 adds u(p, t) v(c, t) over `taps` (a multiple of 8, > 0) to d[c][p];
 * MG_M0_DOT_2X1 does it for pixel 0 of the column pair alone (d[c] for two channels).
 * On ARMv6-M: 13 instructions per tap of the 2x2 block (4 LDRB, 1 MOV, 4 MULS, 4 ADD into high
 * registers), the loop ends on a pointer compare with a high register. */
#if MG_M0_NATIVE
#define MG_M0_TAP_2X2(t2)                                                              \
    "ldrb %[u0], [%[x], #" #t2 "]\n\t"                                                 \
    "ldrb %[u1], [%[x], #" #t2 "+1]\n\t"                                               \
    "ldrb %[v0], [%[w], #" #t2 "]\n\t"                                                 \
    "ldrb %[v1], [%[w], #" #t2 "+1]\n\t"                                               \
    "movs %[t], %[u0]\n\t"                                                             \
    "muls %[t], %[v0], %[t]\n\t"                                                       \
    "add  %[d00], %[t]\n\t"                                                            \
    "muls %[u0], %[v1], %[u0]\n\t"                                                     \
    "add  %[d10], %[u0]\n\t"                                                           \
    "muls %[v0], %[u1], %[v0]\n\t"                                                     \
    "add  %[d01], %[v0]\n\t"                                                           \
    "muls %[u1], %[v1], %[u1]\n\t"                                                     \
    "add  %[d11], %[u1]\n\t"

#define MG_M0_DOT_2X2(X_, W_, TAPS_, D00_, D01_, D10_, D11_)                                  \
    do {                                                                                      \
        const uint8_t *x_ = (X_), *w_ = (W_), *end_ = x_ + 2 * (TAPS_);                       \
        uint32_t u0_, u1_, v0_, v1_, t_;                                                      \
        __asm__ volatile(".syntax unified\n\t"                                              \
                         "1:\n\t"                                                             \
                         MG_M0_TAP_2X2(0) MG_M0_TAP_2X2(2) MG_M0_TAP_2X2(4) MG_M0_TAP_2X2(6)  \
                         MG_M0_TAP_2X2(8) MG_M0_TAP_2X2(10) MG_M0_TAP_2X2(12) MG_M0_TAP_2X2(14) \
                         "adds %[x], #16\n\t"                                                 \
                         "adds %[w], #16\n\t"                                                 \
                         "cmp  %[x], %[end]\n\t"                                              \
                         "bne  1b\n\t"                                                        \
                         : [d00] "+h"(D00_), [d01] "+h"(D01_), [d10] "+h"(D10_), [d11] "+h"(D11_), \
                           [x] "+l"(x_), [w] "+l"(w_), [u0] "=&l"(u0_), [u1] "=&l"(u1_),      \
                           [v0] "=&l"(v0_), [v1] "=&l"(v1_), [t] "=&l"(t_)                    \
                         : [end] "h"(end_)                                                    \
                         : "cc", "memory");                                                   \
        (W_) = w_;                                                                            \
    } while (0)

#define MG_M0_TAP_2X1(t1)                                                              \
    "ldrb %[u0], [%[x], #2*" #t1 "]\n\t"                                               \
    "ldrb %[v0], [%[w], #2*" #t1 "]\n\t"                                               \
    "ldrb %[v1], [%[w], #2*" #t1 "+1]\n\t"                                             \
    "muls %[v0], %[u0], %[v0]\n\t"                                                     \
    "add  %[d0], %[v0]\n\t"                                                            \
    "muls %[v1], %[u0], %[v1]\n\t"                                                     \
    "add  %[d1], %[v1]\n\t"

#define MG_M0_DOT_2X1(X_, W_, TAPS_, D0_, D1_)                                                \
    do {                                                                                      \
        const uint8_t *x_ = (X_), *w_ = (W_), *end_ = x_ + 2 * (TAPS_);                       \
        uint32_t u0_, v0_, v1_;                                                               \
        __asm__ volatile(".syntax unified\n\t"                                              \
                         "1:\n\t"                                                             \
                         MG_M0_TAP_2X1(0) MG_M0_TAP_2X1(1) MG_M0_TAP_2X1(2) MG_M0_TAP_2X1(3)  \
                         MG_M0_TAP_2X1(4) MG_M0_TAP_2X1(5) MG_M0_TAP_2X1(6) MG_M0_TAP_2X1(7)  \
                         "adds %[x], #16\n\t"                                                 \
                         "adds %[w], #16\n\t"                                                 \
                         "cmp  %[x], %[end]\n\t"                                              \
                         "bne  1b\n\t"                                                        \
                         : [d0] "+h"(D0_), [d1] "+h"(D1_), [x] "+l"(x_), [w] "+l"(w_),        \
                           [u0] "=&l"(u0_), [v0] "=&l"(v0_), [v1] "=&l"(v1_)                  \
                         : [end] "h"(end_)                                                    \
                         : "cc", "memory");                                                   \
        (W_) = w_;                                                                            \
    } while (0)
#else
#define MG_M0_DOT_2X2(X_, W_, TAPS_, D00_, D01_, D10_, D11_)                                  \
    do {                                                                                      \
        const uint8_t *x_ = (X_), *w_ = (W_);                                                 \
        int32_t n_ = (TAPS_);                                                                 \
        do {                                                                                  \
            (D00_) += (uint32_t)x_[0] * w_[0];                                                \
            (D01_) += (uint32_t)x_[1] * w_[0];                                                \
            (D10_) += (uint32_t)x_[0] * w_[1];                                                \
            (D11_) += (uint32_t)x_[1] * w_[1];                                                \
            x_ += 2;                                                                          \
            w_ += 2;                                                                          \
        } while (--n_ > 0);                                                                   \
        (W_) = w_;                                                                            \
    } while (0)

#define MG_M0_DOT_2X1(X_, W_, TAPS_, D0_, D1_)                                                \
    do {                                                                                      \
        const uint8_t *x_ = (X_), *w_ = (W_);                                                 \
        int32_t n_ = (TAPS_);                                                                 \
        do {                                                                                  \
            (D0_) += (uint32_t)x_[0] * w_[0];                                                 \
            (D1_) += (uint32_t)x_[0] * w_[1];                                                 \
            x_ += 2;                                                                          \
            w_ += 2;                                                                          \
        } while (--n_ > 0);                                                                   \
        (W_) = w_;                                                                            \
    } while (0)
#endif

#endif /* MG_M0_H */
