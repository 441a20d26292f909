/* mcugen DSP kernel helpers: Arm DSP-extension SIMD through the compiler's ACLE intrinsics
 * (arm_acle.h), with plain-C equivalents elsewhere so the same kernels run (and are checked
 * bit-exactly, under ASan/UBSan) on the host.
 *
 * Layout convention shared with mcugen/ops/variants.py: a vector of int8 values is handled in
 * groups of 4; SXTB16 of a group's word yields the int16 pairs (v0, v2) and (v1, v3). Activation
 * columns are stored as int16 in that order ("sxtb16 order"), and weights stay int8, so one
 * SXTB16 of a weight word lines up with one int16 pair of the column. */
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
static inline int32_t mg_smlad(uint32_t a, uint32_t b, int32_t acc)
{
    return __smlad((int16x2_t)a, (int16x2_t)b, acc);
}
#else
#define MG_DSP_NATIVE 0
static inline uint32_t mg_sx8(uint32_t b) { return (b & 0x80u) ? (b | 0xFF00u) : b; }
static inline uint32_t mg_sxtb16(uint32_t x)
{
    return mg_sx8(x & 0xFFu) | (mg_sx8((x >> 16) & 0xFFu) << 16);
}
static inline uint32_t mg_sxtb16_ror8(uint32_t x) { return mg_sxtb16((x >> 8) | (x << 24)); }
static inline int32_t mg_s16lo(uint32_t x) { return (int32_t)(int16_t)(uint16_t)(x & 0xFFFFu); }
static inline int32_t mg_s16hi(uint32_t x) { return (int32_t)(int16_t)(uint16_t)(x >> 16); }
/* SMLAD wraps modulo 2^32, as does the int32 sum TFLM relies on never overflowing */
static inline int32_t mg_smlad(uint32_t a, uint32_t b, int32_t acc)
{
    const uint32_t sum = (uint32_t)acc + (uint32_t)(mg_s16lo(a) * mg_s16lo(b))
                         + (uint32_t)(mg_s16hi(a) * mg_s16hi(b));
    return mg_wrap_i32((int64_t)sum);
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

/* Requantize, add the output zero point and clamp to the activation range. */
static inline int8_t mg_out_s8(int32_t acc, int32_t multiplier, int32_t shift, int32_t output_offset,
                               int32_t act_min, int32_t act_max)
{
    const int32_t v = mg_requantize_fast(acc, multiplier, shift) + output_offset;
    return (int8_t)mg_clamp_i32(v, act_min, act_max);
}

/* Expand `n` int8 values (n % 4 == 0) into int16 in sxtb16 order: per group of 4 the pairs
 * (v0, v2), (v1, v3). */
static inline void mg_expand_s8_sxtb16(const int8_t *src, int16_t *dst, int32_t n)
{
    int32_t i;
    for (i = 0; i < n; i += 4) {
        const uint32_t w = mg_read_u32(src + i);
        mg_write_u32(dst + i, mg_sxtb16(w));
        mg_write_u32(dst + i + 2, mg_sxtb16_ror8(w));
    }
}

/* Where element k of a group-of-4 vector lands in sxtb16 order: bits 0 and 1 swap. */
static inline int32_t mg_sxtb16_slot(int32_t k)
{
    return (k & ~3) | ((k & 1) << 1) | ((k >> 1) & 1);
}

#endif /* MG_DSP_H */
