/* mcugen DSP kernel helpers: Arm DSP-extension SIMD through the compiler's ACLE intrinsics
 * (arm_acle.h), with plain-C equivalents elsewhere so the same kernels run (and are checked
 * bit-exactly, under ASan/UBSan) on the host.
 *
 * Layout convention shared with mcugen/ops/variants.py: a vector of int8 values is handled in
 * groups of 4; SXTB16 of a group's word yields the int16 pairs (v0, v2) and (v1, v3). Activation
 * columns are stored as int16 in that order ("sxtb16 order"), and weights stay int8, so one
 * SXTB16 of a weight word lines up with one int16 pair of the column for SMLAD. */
#ifndef MG_DSP_H
#define MG_DSP_H

#include <string.h>

#include "mg_types.h"

#if defined(__ARM_FEATURE_DSP) && __ARM_FEATURE_DSP
#include <arm_acle.h>
#define MG_DSP_NATIVE 1
static inline uint32_t mg_sxtb16(uint32_t x) { return (uint32_t)__sxtb16((int8x4_t)x); }
/* sxtb16 of the odd bytes. ACLE has no rotate operand for __sxtb16 and GCC 12 does not fold a
 * separate ROR into it, so this one instruction is spelled out. */
static inline uint32_t mg_sxtb16_ror8(uint32_t x)
{
    uint32_t r;
    __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(x));
    return r;
}
/* halfword lanes of acc plus the sign-extended even bytes of x; and the odd bytes */
static inline uint32_t mg_sxtab16(uint32_t acc, uint32_t x)
{
    return (uint32_t)__sxtab16((int16x2_t)acc, (int8x4_t)x);
}
static inline uint32_t mg_sxtab16_ror8(uint32_t acc, uint32_t x)
{
    uint32_t r;
    __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(r) : "r"(acc), "r"(x));
    return r;
}
/* acc + a.lo * b.lo + a.hi * b.hi (int16 halves) */
static inline int32_t mg_smlad(uint32_t a, uint32_t b, int32_t acc)
{
    return __smlad((int16x2_t)a, (int16x2_t)b, acc);
}
/* ((a * b + 2^31) >> 32) + c: ACLE has no intrinsic for SMMLAR */
static inline int32_t mg_smmlar(int32_t a, int32_t b, int32_t c)
{
    int32_t r;
    __asm__("smmlar %0, %1, %2, %3" : "=r"(r) : "r"(a), "r"(b), "r"(c));
    return r;
}
#else
#define MG_DSP_NATIVE 0
static inline uint32_t mg_sx8(uint32_t b) { return (b & 0x80u) ? (b | 0xFF00u) : b; }
static inline uint32_t mg_sxtb16(uint32_t x)
{
    return mg_sx8(x & 0xFFu) | (mg_sx8((x >> 16) & 0xFFu) << 16);
}
static inline uint32_t mg_sxtb16_ror8(uint32_t x) { return mg_sxtb16((x >> 8) | (x << 24)); }
static inline uint32_t mg_sxtab16(uint32_t acc, uint32_t x)
{
    const uint32_t lo = (acc + mg_sxtb16(x)) & 0xFFFFu;
    return lo | ((((acc >> 16) + (mg_sxtb16(x) >> 16)) & 0xFFFFu) << 16);
}
static inline uint32_t mg_sxtab16_ror8(uint32_t acc, uint32_t x) { return mg_sxtab16(acc, (x >> 8) | (x << 24)); }
static inline int32_t mg_smlad(uint32_t a, uint32_t b, int32_t acc)
{
    return acc + (int32_t)(int16_t)(a & 0xFFFFu) * (int16_t)(b & 0xFFFFu)
           + (int32_t)(int16_t)(a >> 16) * (int16_t)(b >> 16);
}
static inline int32_t mg_smmlar(int32_t a, int32_t b, int32_t c)
{
    /* (p + 2^31) >> 32 is p's high word plus bit 31 of its low word: no 64-bit add (on RV32 that
     * add and its carry took 3 instructions more an output) */
    const int64_t p = (int64_t)a * (int64_t)b;
    const uint32_t high = (uint32_t)(p >> 32), low = (uint32_t)p;
    return (int32_t)(high + (uint32_t)c + (low >> 31));
}
#endif

/* Unaligned-safe word access (one LDR/STR on Cortex-M3 and up). */
static inline uint32_t mg_read_u32(const void *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

static inline void mg_write_u32(void *p, uint32_t v) { memcpy(p, &v, 4); }

/* TFLM MultiplyByQuantizedMultiplier for a multiplier >= 0 (QuantizeMultiplier never makes a
 * negative one): SaturatingRoundingDoublingHighMul's nudge and truncation collapse into
 * (x * m + 2^30) >> 31 when m >= 0 (its only saturating case needs m = INT32_MIN), then the same
 * rounding divide by a power of two. Equal to mg_requantize for every x and m >= 0. */
static inline int32_t mg_requantize_fast(int32_t x, int32_t multiplier, int32_t shift)
{
    const int left_shift = shift > 0 ? (int)shift : 0;
    const int right_shift = shift > 0 ? 0 : (int)-shift;
    const int32_t shifted = (int32_t)((uint32_t)x << left_shift);
    const int64_t prod = (int64_t)shifted * (int64_t)multiplier + ((int64_t)1 << 30);
    const int32_t high = (int32_t)(prod >> 31);
    return mg_rounding_divide_by_pot(high, right_shift);
}

/* The same for a layer the generator proved suitable (mcugen/ops/variants.py, `fast_requant`):
 * multiplier >= 0, shift <= -1 (right_shift >= 1) and |x| < 2^30. Then the doubling high multiply
 * is SMMULR(2x, m), the rounding divide by 2^rs is (v + 2^(rs - 1) - (v < 0)) >> rs, and the sign
 * of v may be read from x (v = 0 whenever they differ, where both forms give 0). */
static inline int32_t mg_requantize_rs(int32_t x, int32_t multiplier, int32_t right_shift, int32_t half)
{
    const int32_t v = mg_smmlar(x + x, multiplier, half) - (int32_t)((uint32_t)x >> 31);
    return v >> right_shift;
}

/* Saturate to int8 (one SSAT on the DSP cores). */
static inline int32_t mg_ssat8(int32_t v)
{
#if MG_DSP_NATIVE
    return __ssat(v, 8);
#else
    return mg_clamp_i32(v, -128, 127);
#endif
}

/* The DSP kernels' output stage: requantize (lean: mg_requantize_rs with s the right shift;
 * else s is TFLM's shift), add the output zero point, clamp (lean: the range is all of int8). */
#define MG_DSP_OUT(lean, acc, m, s, out_off, lo, hi)                                            \
    ((lean) ? mg_ssat8(mg_requantize_rs((acc), (m), (s), (int32_t)(1u << ((s) - 1))) + (out_off)) \
            : mg_clamp_i32(mg_requantize_fast((acc), (m), (s)) + (out_off), (lo), (hi)))



/* sum + the four int16 halves of two words (SMLAD by ones) */
static inline int32_t mg_add_halves(uint32_t even, uint32_t odd, int32_t sum)
{
    return mg_smlad(odd, 0x00010001u, mg_smlad(even, 0x00010001u, sum));
}

/* Where element k of a group-of-4 vector lands in sxtb16 order: bits 0 and 1 swap. */
static inline int32_t mg_sxtb16_slot(int32_t k)
{
    return (k & ~3) | ((k & 1) << 1) | ((k >> 1) & 1);
}

/* The int8 row x[0..n) widened into the int16 column col[0..col_len) in sxtb16 order, zero past
 * n (col_len a multiple of 4 and >= n); returns the sum of the row (a caller that does not use it
 * pays nothing: this is inlined). */
static inline int32_t mg_widen_s8(const int8_t *x, int32_t n, int16_t *col, int32_t col_len)
{
    int32_t k, sum = 0;
    /* whole words first, then the ragged end and the zero padding one tap at a time */
    for (k = 0; k + 4 <= n; k += 4) {
        const uint32_t w = mg_read_u32(x + k);
        const uint32_t even = mg_sxtb16(w), odd = mg_sxtb16_ror8(w);
        mg_write_u32(col + k, even);
        mg_write_u32(col + k + 2, odd);
        sum = mg_add_halves(even, odd, sum);
    }
    for (; k < col_len; ++k) {
        const int32_t v = k < n ? x[k] : 0;
        col[mg_sxtb16_slot(k)] = (int16_t)v;
        sum += v;
    }
    return sum;
}

/* ---- dot products of interleaved int8 weight pairs with int16 columns -------------------------
 * Weights: per channel pair, per group of 4 taps, one word of channel 0 then one of channel 1.
 * Columns: per group, the 4 taps as two words in sxtb16 order; two columns interleave group by
 * group (pixel 0's two words, then pixel 1's). `turns` counts 8 taps (two groups); > 0.
 * GCC 12 spills and reloads in these loops whatever the C looks like, so on the DSP cores they
 * are spelled out: per 4 taps one LDRD of both channels' weights, 4 SXTB16, and per column one
 * LDRD and 4 SMLAD (2x2: 15 instructions per 16 MACs). */

/* Elsewhere (host, RV32) the same sums as plain multiply-adds of the int8 weights and the int16
 * column slots, register-blocked the same way: group slots hold taps (0, 2, 1, 3). */
#define MG_PLAIN_GROUP(w8, x16, acc)                                                            \
    ((acc) += (int32_t)(w8)[0] * (x16)[0] + (int32_t)(w8)[2] * (x16)[1]                         \
              + (int32_t)(w8)[1] * (x16)[2] + (int32_t)(w8)[3] * (x16)[3])

/* The plain walk both dot products take: 2 * TURNS_ groups of 4 taps, the channel pair's weights
 * w8_ (8 bytes a group) and the column slots x16_ (X_STEP_ int16 a group); BODY_ adds one group. */
#define MG_PLAIN_WALK(W_, X_, TURNS_, X_STEP_, BODY_)                                           \
    do {                                                                                       \
        const int8_t *w8_ = (const int8_t *)(const void *)(W_);                                \
        const int16_t *x16_ = (const int16_t *)(const void *)(X_);                             \
        int32_t g_ = 2 * (TURNS_);                                                             \
        do {                                                                                   \
            BODY_;                                                                             \
            w8_ += 8;                                                                          \
            x16_ += (X_STEP_);                                                                 \
        } while (--g_ > 0);                                                                    \
    } while (0)

#if MG_DSP_NATIVE
#define MG_ASM_W                                        \
        "ldrd   %[t0], %[t2], [%[w]], #8\n\t"           \
        "sxtb16 %[t1], %[t0], ror #8\n\t"               \
        "sxtb16 %[t0], %[t0]\n\t"                       \
        "sxtb16 %[t3], %[t2], ror #8\n\t"               \
        "sxtb16 %[t2], %[t2]\n\t"
#define MG_ASM_X(a0, a1, step)                          \
        "ldrd   %[xa], %[xb], [%[x]], #" step "\n\t"    \
        "smlad  %[" a0 "], %[t0], %[xa], %[" a0 "]\n\t" \
        "smlad  %[" a0 "], %[t1], %[xb], %[" a0 "]\n\t" \
        "smlad  %[" a1 "], %[t2], %[xa], %[" a1 "]\n\t" \
        "smlad  %[" a1 "], %[t3], %[xb], %[" a1 "]\n\t"
#endif

/* Two channels x two interleaved columns: a[ch][px] += w[ch] . x[px]. */
#define MG_DOT_2X2(W_, X_, TURNS_, A00_, A01_, A10_, A11_)                                            \
    do {                                                                                       \
        const uint32_t *wp_ = (W_), *xp_ = (X_);                                               \
        int32_t n_ = (TURNS_);                                                                 \
        MG_DOT_2X2_BODY(wp_, xp_, n_, A00_, A01_, A10_, A11_);                                     \
    } while (0)

#if MG_DSP_NATIVE
#define MG_DOT_2X2_BODY(WP_, XP_, N_, A00_, A01_, A10_, A11_)                                         \
    do {                                                                                       \
        uint32_t t0_, t1_, t2_, t3_, xa_, xb_;                                                 \
        __asm__ volatile("1:\n\t"                                                              \
                         MG_ASM_W MG_ASM_X("a00", "a10", "8") MG_ASM_X("a01", "a11", "8")      \
                         MG_ASM_W MG_ASM_X("a00", "a10", "8") MG_ASM_X("a01", "a11", "8")      \
                         "subs   %[n], %[n], #1\n\t"                                           \
                         "bne    1b\n\t"                                                       \
                         : [a00] "+r"(A00_), [a01] "+r"(A01_), [a10] "+r"(A10_), [a11] "+r"(A11_), \
                           [w] "+r"(WP_), [x] "+r"(XP_), [n] "+r"(N_), [t0] "=&r"(t0_),           \
                           [t1] "=&r"(t1_), [t2] "=&r"(t2_), [t3] "=&r"(t3_), [xa] "=&r"(xa_), \
                           [xb] "=&r"(xb_)                                                     \
                         :                                                                     \
                         : "cc", "memory");                                                    \
    } while (0)
#else
#define MG_DOT_2X2_BODY(WP_, XP_, N_, A00_, A01_, A10_, A11_)                                  \
    MG_PLAIN_WALK(WP_, XP_, N_, 8,                                                             \
                  (MG_PLAIN_GROUP(w8_, x16_, A00_), MG_PLAIN_GROUP(w8_, x16_ + 4, A01_),       \
                   MG_PLAIN_GROUP(w8_ + 4, x16_, A10_), MG_PLAIN_GROUP(w8_ + 4, x16_ + 4, A11_)))
#endif

/* Two channels x one column whose groups are `step` words apart (2: a lone column, 4: pixel 0
 * of an interleaved pair): a[ch] += w[ch] . x. `step` must be the literal 2 or 4. */
#if MG_DSP_NATIVE
#define MG_DOT_2X1(W_, X_, TURNS_, STEP_, A0_, A1_)                                                  \
    do {                                                                                       \
        const uint32_t *wp_ = (W_), *xp_ = (X_);                                                 \
        int32_t n_ = (TURNS_);                                                                  \
        uint32_t t0_, t1_, t2_, t3_, xa_, xb_;                                                 \
        __asm__ volatile("1:\n\t"                                                              \
                         MG_ASM_W MG_ASM_X("a0", "a1", #STEP_ "*4")                             \
                         MG_ASM_W MG_ASM_X("a0", "a1", #STEP_ "*4")                             \
                         "subs   %[n], %[n], #1\n\t"                                           \
                         "bne    1b\n\t"                                                       \
                         : [a0] "+r"(A0_), [a1] "+r"(A1_), [w] "+r"(wp_), [x] "+r"(xp_),         \
                           [n] "+r"(n_), [t0] "=&r"(t0_), [t1] "=&r"(t1_), [t2] "=&r"(t2_),    \
                           [t3] "=&r"(t3_), [xa] "=&r"(xa_), [xb] "=&r"(xb_)                   \
                         :                                                                     \
                         : "cc", "memory");                                                    \
    } while (0)
#else
#define MG_DOT_2X1(W_, X_, TURNS_, STEP_, A0_, A1_)                                            \
    MG_PLAIN_WALK(W_, X_, TURNS_, 2 * (STEP_), (MG_PLAIN_GROUP(w8_, x16_, A0_), MG_PLAIN_GROUP(w8_ + 4, x16_, A1_)))
#endif

#endif /* MG_DSP_H */
