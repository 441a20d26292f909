/* mcugen MVE (Helium) kernel helpers: the kernels are written with the compiler's arm_mve.h
 * intrinsics (explicitly typed names only: vaddq_s32, not vaddq). On cores without MVE (the
 * host, where the oracle checks every kernel under ASan/UBSan) this header defines the same
 * types and intrinsics in plain C, lane by lane, following the architecture's pseudocode, so the
 * same kernel source runs and is checked bit-exactly there.
 *
 * Requantization (TFLM MultiplyByQuantizedMultiplier, multiplier >= 0) on four lanes:
 *   VQRDMULH is gemmlowp's SaturatingRoundingDoublingHighMul exactly: both round half up,
 *   (2ab + 2^31) >> 32, and saturate only INT32_MIN * INT32_MIN. RoundingDivideByPOT rounds half
 *   away from zero where VRSHL rounds half up; they agree once 1 is subtracted from negative
 *   values (exponent >= 1). With a multiplier >= 0 the product's sign is the accumulator's (or the
 *   product is 0, where the subtraction is absorbed by the shift), so the fix is acc >> 31.
 *   tests/kernel_variants/test_mve_requant.py checks these against mg_requantize. */
#ifndef MG_MVE_H
#define MG_MVE_H

#include <string.h>

#include "mg_types.h"

#if defined(__ARM_FEATURE_MVE) && (__ARM_FEATURE_MVE & 1)
#include <arm_mve.h>
#define MG_MVE_NATIVE 1
#else
#define MG_MVE_NATIVE 0

/* ---- plain-C MVE: vectors are lane arrays, predicates one bit per byte lane ------------------ */
typedef uint16_t mve_pred16_t;
typedef struct { int8_t v[16]; } int8x16_t;
typedef struct { int16_t v[8]; } int16x8_t;
typedef struct { int32_t v[4]; } int32x4_t;
typedef struct { uint32_t v[4]; } uint32x4_t;

/* lane i of `bytes`-byte lanes is active when its first byte's predicate bit is set */
#define MG_ON(p, i, bytes) ((((uint32_t)(p)) >> ((i) * (bytes))) & 1u)

static inline mve_pred16_t mg_emu_ctp(uint32_t n, uint32_t bytes)
{
    uint32_t i, mask = 0;
    for (i = 0; i < 16u / bytes && i < n; ++i) {
        mask |= ((1u << bytes) - 1u) << (i * bytes);
    }
    return (mve_pred16_t)mask;
}
static inline mve_pred16_t vctp8q(uint32_t n) { return mg_emu_ctp(n, 1); }
static inline mve_pred16_t vctp16q(uint32_t n) { return mg_emu_ctp(n, 2); }
static inline mve_pred16_t vctp32q(uint32_t n) { return mg_emu_ctp(n, 4); }

/* loads: predicated (_z) ones read active lanes only and zero the others */
static inline int8x16_t vldrbq_z_s8(const int8_t *b, mve_pred16_t p)
{
    int8x16_t r;
    int i;
    for (i = 0; i < 16; ++i) r.v[i] = MG_ON(p, i, 1) ? b[i] : 0;
    return r;
}
static inline int8x16_t vldrbq_s8(const int8_t *b) { return vldrbq_z_s8(b, 0xFFFFu); }
static inline int16x8_t vldrbq_z_s16(const int8_t *b, mve_pred16_t p)
{
    int16x8_t r;
    int i;
    for (i = 0; i < 8; ++i) r.v[i] = (int16_t)(MG_ON(p, i, 2) ? b[i] : 0);
    return r;
}
static inline int16x8_t vldrbq_s16(const int8_t *b) { return vldrbq_z_s16(b, 0xFFFFu); }
static inline int32x4_t vldrbq_z_s32(const int8_t *b, mve_pred16_t p)
{
    int32x4_t r;
    int i;
    for (i = 0; i < 4; ++i) r.v[i] = MG_ON(p, i, 4) ? b[i] : 0;
    return r;
}
static inline int32x4_t vldrbq_s32(const int8_t *b) { return vldrbq_z_s32(b, 0xFFFFu); }
static inline int32x4_t vldrwq_s32(const int32_t *b)
{
    int32x4_t r;
    memcpy(r.v, b, sizeof r.v);
    return r;
}

/* stores: the low byte of each active lane */
static inline void vstrbq_p_s8(int8_t *b, int8x16_t x, mve_pred16_t p)
{
    int i;
    for (i = 0; i < 16; ++i) if (MG_ON(p, i, 1)) b[i] = x.v[i];
}
static inline void vstrbq_s8(int8_t *b, int8x16_t x) { vstrbq_p_s8(b, x, 0xFFFFu); }
static inline void vstrbq_p_s16(int8_t *b, int16x8_t x, mve_pred16_t p)
{
    int i;
    for (i = 0; i < 8; ++i) if (MG_ON(p, i, 2)) b[i] = (int8_t)(uint8_t)((uint16_t)x.v[i] & 0xFFu);
}
static inline void vstrbq_s16(int8_t *b, int16x8_t x) { vstrbq_p_s16(b, x, 0xFFFFu); }
static inline void vstrbq_p_s32(int8_t *b, int32x4_t x, mve_pred16_t p)
{
    int i;
    for (i = 0; i < 4; ++i) if (MG_ON(p, i, 4)) b[i] = (int8_t)(uint8_t)((uint32_t)x.v[i] & 0xFFu);
}
static inline void vstrbq_s32(int8_t *b, int32x4_t x) { vstrbq_p_s32(b, x, 0xFFFFu); }
static inline void vstrwq_s32(int32_t *b, int32x4_t x) { memcpy(b, x.v, sizeof x.v); }
static inline void vstrhq_s16(int16_t *b, int16x8_t x) { memcpy(b, x.v, sizeof x.v); }
static inline void vstrbq_scatter_offset_p_s32(int8_t *b, uint32x4_t off, int32x4_t x, mve_pred16_t p)
{
    int i;
    for (i = 0; i < 4; ++i)
        if (MG_ON(p, i, 4)) b[off.v[i]] = (int8_t)(uint8_t)((uint32_t)x.v[i] & 0xFFu);
}
static inline void vstrbq_scatter_offset_s32(int8_t *b, uint32x4_t off, int32x4_t x)
{
    vstrbq_scatter_offset_p_s32(b, off, x, 0xFFFFu);
}

/* lanes from scalars */
static inline int8x16_t vdupq_n_s8(int8_t a)
{
    int8x16_t r;
    int i;
    for (i = 0; i < 16; ++i) r.v[i] = a;
    return r;
}
static inline int16x8_t vdupq_n_s16(int16_t a)
{
    int16x8_t r;
    int i;
    for (i = 0; i < 8; ++i) r.v[i] = a;
    return r;
}
static inline int32x4_t vdupq_n_s32(int32_t a)
{
    int32x4_t r;
    int i;
    for (i = 0; i < 4; ++i) r.v[i] = a;
    return r;
}
static inline int32x4_t vsetq_lane_s32(int32_t a, int32x4_t v, int i)
{
    v.v[i] = a;
    return v;
}
static inline int16_t vgetq_lane_s16(int16x8_t v, int i) { return v.v[i]; }
static inline uint32x4_t vidupq_n_u32(uint32_t a, int imm)
{
    uint32x4_t r;
    int i;
    for (i = 0; i < 4; ++i) r.v[i] = a + (uint32_t)(i * imm);
    return r;
}
static inline uint32x4_t vmulq_n_u32(uint32x4_t a, uint32_t b)
{
    int i;
    for (i = 0; i < 4; ++i) a.v[i] *= b;
    return a;
}

/* integer arithmetic, wrapping as the hardware does */
static inline int32_t vmladavaq_s8(int32_t acc, int8x16_t a, int8x16_t b)
{
    int64_t s = acc;
    int i;
    for (i = 0; i < 16; ++i) s += (int32_t)a.v[i] * b.v[i];
    return mg_wrap_i32(s);
}
static inline int32x4_t vaddq_s32(int32x4_t a, int32x4_t b)
{
    int i;
    for (i = 0; i < 4; ++i) a.v[i] = mg_wrap_i32((int64_t)a.v[i] + b.v[i]);
    return a;
}
static inline int32x4_t vaddq_n_s32(int32x4_t a, int32_t b) { return vaddq_s32(a, vdupq_n_s32(b)); }
static inline int16x8_t vaddq_s16(int16x8_t a, int16x8_t b)
{
    int i;
    for (i = 0; i < 8; ++i) a.v[i] = (int16_t)(uint16_t)((uint32_t)(uint16_t)a.v[i] + (uint16_t)b.v[i]);
    return a;
}
static inline int32x4_t vmlaq_n_s32(int32x4_t a, int32x4_t b, int32_t c)
{
    int i;
    for (i = 0; i < 4; ++i) a.v[i] = mg_wrap_i32((int64_t)a.v[i] + (int64_t)b.v[i] * c);
    return a;
}
/* products of the even (b: bottom) or odd (t: top) int16 lanes, as int32 */
static inline int32x4_t vmullbq_int_s16(int16x8_t a, int16x8_t b)
{
    int32x4_t r;
    int i;
    for (i = 0; i < 4; ++i) r.v[i] = (int32_t)a.v[2 * i] * b.v[2 * i];
    return r;
}
static inline int32x4_t vmulltq_int_s16(int16x8_t a, int16x8_t b)
{
    int32x4_t r;
    int i;
    for (i = 0; i < 4; ++i) r.v[i] = (int32_t)a.v[2 * i + 1] * b.v[2 * i + 1];
    return r;
}
/* b's lanes truncated to int16 into the even (b) or odd (t) lanes of a */
static inline int16x8_t vmovnbq_s32(int16x8_t a, int32x4_t b)
{
    int i;
    for (i = 0; i < 4; ++i) a.v[2 * i] = (int16_t)(uint16_t)((uint32_t)b.v[i] & 0xFFFFu);
    return a;
}
static inline int16x8_t vmovntq_s32(int16x8_t a, int32x4_t b)
{
    int i;
    for (i = 0; i < 4; ++i) a.v[2 * i + 1] = (int16_t)(uint16_t)((uint32_t)b.v[i] & 0xFFFFu);
    return a;
}
static inline int32x4_t vqrdmulhq_s32(int32x4_t a, int32x4_t b)
{
    int i;
    for (i = 0; i < 4; ++i) {
        const int64_t r = (2 * (int64_t)a.v[i] * b.v[i] + ((int64_t)1 << 31)) >> 32;
        a.v[i] = r > INT32_MAX ? INT32_MAX : (int32_t)r; /* only INT32_MIN * INT32_MIN saturates */
    }
    return a;
}
static inline int32x4_t vqrdmulhq_n_s32(int32x4_t a, int32_t b) { return vqrdmulhq_s32(a, vdupq_n_s32(b)); }
/* VSHL/VRSHL by register: the shift is the signed bottom byte of b; positive shifts left
 * (dropping the bits shifted out), negative shifts right (VRSHL rounding: + 2^(s-1) first) */
static inline int32_t mg_emu_shl(int32_t a, int32_t b, int rounding)
{
    const int s = (int8_t)(uint8_t)((uint32_t)b & 0xFFu);
    if (s >= 0) {
        return s >= 32 ? 0 : mg_wrap_i32((int64_t)(uint32_t)((uint32_t)a << s));
    }
    if (s <= -40) {
        return a < 0 && !rounding ? -1 : 0;
    }
    return (int32_t)(((int64_t)a + (rounding ? ((int64_t)1 << (-s - 1)) : 0)) >> -s);
}
static inline int32x4_t vshlq_s32(int32x4_t a, int32x4_t b)
{
    int i;
    for (i = 0; i < 4; ++i) a.v[i] = mg_emu_shl(a.v[i], b.v[i], 0);
    return a;
}
static inline int32x4_t vshlq_r_s32(int32x4_t a, int32_t b) { return vshlq_s32(a, vdupq_n_s32(b)); }
static inline int32x4_t vrshlq_s32(int32x4_t a, int32x4_t b)
{
    int i;
    for (i = 0; i < 4; ++i) a.v[i] = mg_emu_shl(a.v[i], b.v[i], 1);
    return a;
}
static inline int32x4_t vrshlq_n_s32(int32x4_t a, int32_t b) { return vrshlq_s32(a, vdupq_n_s32(b)); }
static inline int32x4_t vshrq_n_s32(int32x4_t a, int imm)
{
    int i;
    for (i = 0; i < 4; ++i) a.v[i] = (int32_t)((int64_t)a.v[i] >> imm);
    return a;
}
static inline int32x4_t vandq_s32(int32x4_t a, int32x4_t b)
{
    int i;
    for (i = 0; i < 4; ++i) a.v[i] = (int32_t)((uint32_t)a.v[i] & (uint32_t)b.v[i]);
    return a;
}
static inline int32x4_t vmaxq_s32(int32x4_t a, int32x4_t b)
{
    int i;
    for (i = 0; i < 4; ++i) a.v[i] = a.v[i] > b.v[i] ? a.v[i] : b.v[i];
    return a;
}
static inline int32x4_t vminq_s32(int32x4_t a, int32x4_t b)
{
    int i;
    for (i = 0; i < 4; ++i) a.v[i] = a.v[i] < b.v[i] ? a.v[i] : b.v[i];
    return a;
}
static inline int8x16_t vmaxq_s8(int8x16_t a, int8x16_t b)
{
    int i;
    for (i = 0; i < 16; ++i) a.v[i] = a.v[i] > b.v[i] ? a.v[i] : b.v[i];
    return a;
}
static inline int8x16_t vminq_s8(int8x16_t a, int8x16_t b)
{
    int i;
    for (i = 0; i < 16; ++i) a.v[i] = a.v[i] < b.v[i] ? a.v[i] : b.v[i];
    return a;
}
#undef MG_ON
#endif /* MG_MVE_NATIVE */

/* ---- helpers the MVE kernels share --------------------------------------------------------- */

/* Hides the value of pointer p from the optimizer (no instruction): GCC 12 merges pointers that
 * step alike into one plus offsets, which MVE's post-increment loads cannot use, and then spills. */
#define MG_MVE_OPAQUE(p) __asm__("" : "+r"(p))

/* Four scalars as lanes 0..3. */
static inline int32x4_t mg_mve_lanes(int32_t a0, int32_t a1, int32_t a2, int32_t a3)
{
    int32x4_t v = vdupq_n_s32(a0);
    v = vsetq_lane_s32(a1, v, 1);
    v = vsetq_lane_s32(a2, v, 2);
    return vsetq_lane_s32(a3, v, 3);
}

/* MultiplyByQuantizedMultiplier of four accumulators by one channel's multiplier (>= 0) and
 * TFLM shift (see the top of this file). */
static inline int32x4_t mg_mve_requantize_n(int32x4_t acc, int32_t multiplier, int32_t shift)
{
    if (shift < 0) {
        const int32x4_t high = vqrdmulhq_n_s32(acc, multiplier);
        return vrshlq_n_s32(vaddq_s32(high, vshrq_n_s32(acc, 31)), shift);
    }
    return vqrdmulhq_n_s32(vshlq_r_s32(acc, shift), multiplier);
}

/* The same with a multiplier and a shift per lane, every shift <= -1 (the generator proves it
 * per layer: `lean`). */
static inline int32x4_t mg_mve_requantize_lean(int32x4_t acc, int32x4_t multiplier, int32x4_t shift)
{
    const int32x4_t high = vqrdmulhq_s32(acc, multiplier);
    return vrshlq_s32(vaddq_s32(high, vshrq_n_s32(acc, 31)), shift);
}

/* ... and any shifts: a left shift by max(shift, 0), then the right shift by -min(shift, 0) with
 * the sign fix only where that is >= 1 (acc & shift has the sign bit of acc exactly there). */
static inline int32x4_t mg_mve_requantize_any(int32x4_t acc, int32x4_t multiplier, int32x4_t shift)
{
    const int32x4_t zero = vdupq_n_s32(0);
    const int32x4_t right = vminq_s32(shift, zero);
    const int32x4_t shifted = vshlq_s32(acc, vmaxq_s32(shift, zero));
    const int32x4_t high = vqrdmulhq_s32(shifted, multiplier);
    return vrshlq_s32(vaddq_s32(high, vshrq_n_s32(vandq_s32(shifted, right), 31)), right);
}

/* ... and one multiplier and shift <= 0 for all lanes, that shift also in every lane of
 * `shift_lanes` (hoisted by the caller): the sign fix where it is < 0, none where it is 0. */
static inline int32x4_t mg_mve_requantize_right(int32x4_t acc, int32_t multiplier, int32_t shift, int32x4_t shift_lanes)
{
    const int32x4_t high = vqrdmulhq_n_s32(acc, multiplier);
    return vrshlq_n_s32(vaddq_s32(high, vshrq_n_s32(vandq_s32(acc, shift_lanes), 31)), shift);
}

/* Output zero point and activation range. */
static inline int32x4_t mg_mve_output(int32x4_t v, int32_t output_offset, int32x4_t lo, int32x4_t hi)
{
    return vminq_s32(vmaxq_s32(vaddq_n_s32(v, output_offset), lo), hi);
}

/* memcpy / memset for the kernels' row copies: 16 bytes per load and store (newlib-nano's are
 * byte loops), the tail predicated. */
static inline void mg_mve_copy(int8_t *dst, const int8_t *src, int32_t n)
{
    for (; n > 0; n -= 16, src += 16, dst += 16) {
        const mve_pred16_t p = vctp8q((uint32_t)n);
        vstrbq_p_s8(dst, vldrbq_z_s8(src, p), p);
    }
}

static inline void mg_mve_fill(int8_t *dst, int8_t value, int32_t n)
{
    const int8x16_t v = vdupq_n_s8(value);
    for (; n > 0; n -= 16, dst += 16) {
        vstrbq_p_s8(dst, v, vctp8q((uint32_t)n));
    }
}

#endif /* MG_MVE_H */
