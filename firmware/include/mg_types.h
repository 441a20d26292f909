/* mcugen kernel library: shared types and TFLite-Micro-exact fixed-point helpers.
 *
 * C99, no malloc, no stdio, no libm. Every helper reproduces TFLite Micro's reference
 * arithmetic bit for bit (double-rounding MultiplyByQuantizedMultiplier, gemmlowp
 * rounding), so generated code equals the device oracle exactly. */
#ifndef MG_TYPES_H
#define MG_TYPES_H

#include <stddef.h>
#include <stdint.h>

#if defined(__GNUC__) || defined(__clang__)
#define MG_ALIGNED(n) __attribute__((aligned(n)))
#else
#define MG_ALIGNED(n)
#endif

/* Where the arena (and the persistent state) and the constants go: nowhere special by default;
 * a build may name a header that defines MG_ARENA_ATTR / MG_WEIGHTS_ATTR (the ESP-IDF projects:
 * mg_espidf_memory.h puts the arena in internal SRAM and the weights in flash), or give
 * -DMG_CONST_SECTION=<name> for the constants' linker section (the ESP8266 keeps const data in RAM
 * unless it is in .irom.text.*, its flash, which only 32-bit loads can read: such builds also
 * compile with -mforce-l32). */
#ifdef MG_MEMORY_HEADER
#include MG_MEMORY_HEADER
#endif
#ifndef MG_ARENA_ATTR
#define MG_ARENA_ATTR
#endif
#ifndef MG_WEIGHTS_ATTR
#if defined(MG_CONST_SECTION) && (defined(__GNUC__) || defined(__clang__))
#define MG_STRINGIFY_(x) #x
#define MG_STRINGIFY(x) MG_STRINGIFY_(x)
#define MG_WEIGHTS_ATTR __attribute__((section(MG_STRINGIFY(MG_CONST_SECTION))))
#else
#define MG_WEIGHTS_ATTR
#endif
#endif

typedef enum {
    MG_OK = 0,
    MG_ERR_ARG = -1
} mg_status;

/* Shape and quantization of one model input or output: real = scale * (q - zero_point). */
typedef struct {
    const char *name;
    int32_t rank;
    int32_t dims[6];
    int32_t bytes;
    float scale;
    int32_t zero_point;
} mg_tensor_info;

static inline int32_t mg_min_i32(int32_t a, int32_t b) { return a < b ? a : b; }
static inline int32_t mg_max_i32(int32_t a, int32_t b) { return a > b ? a : b; }

static inline int32_t mg_clamp_i32(int32_t x, int32_t lo, int32_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/* Two's complement wrap of an int64 into int32 without implementation-defined casts' surprises;
 * TFLM multiplies in int32 and relies on its inputs never overflowing, this keeps UBSan quiet
 * on the same inputs. */
static inline int32_t mg_wrap_i32(int64_t x)
{
    uint32_t u = (uint32_t)((uint64_t)x & 0xFFFFFFFFu);
    return u <= 0x7FFFFFFFu ? (int32_t)u : (int32_t)(u - 0x80000000u) - (int32_t)0x7FFFFFFF - 1;
}

/* The NHWC geometry the convolution kernels' params start with (CONV_2D's DSP variant and
 * TRANSPOSE_CONV; the portable CONV_2D adds its group width to the filter line). */
#define MG_CONV_GEOMETRY_FIELDS                                                      \
    int32_t batches;                                                                 \
    int32_t in_h, in_w, in_c;                                                        \
    int32_t out_h, out_w, out_c;                                                     \
    int32_t filter_h, filter_w;                                                      \
    int32_t stride_h, stride_w

/* Leading zero bits of x (32 for 0), as TFLM's CountLeadingZeros. */
static inline int mg_count_leading_zeros(uint32_t x)
{
    int n = 0;
    if (x == 0) {
        return 32;
    }
    while ((x & 0x80000000u) == 0) {
        x <<= 1;
        ++n;
    }
    return n;
}

/* gemmlowp SaturatingRoundingMultiplyByPOT with exponent 0..30: x * 2^exponent, saturated. */
static inline int32_t mg_sat_shift_left(int32_t x, int exponent)
{
    const int32_t threshold = (int32_t)(((int64_t)1 << (31 - exponent)) - 1);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return mg_wrap_i32((int64_t)x * ((int64_t)1 << exponent));
}

/* gemmlowp SaturatingRoundingDoublingHighMul: round(a * b / 2^31), saturating the one overflow. */
static inline int32_t mg_srdhm(int32_t a, int32_t b)
{
    int64_t ab;
    int64_t nudge;
    int64_t q;
    if (a == INT32_MIN && b == INT32_MIN) {
        return INT32_MAX;
    }
    ab = (int64_t)a * (int64_t)b;
    nudge = ab >= 0 ? ((int64_t)1 << 30) : (1 - ((int64_t)1 << 30));
    q = (ab + nudge) / ((int64_t)1 << 31); /* C99 division truncates toward zero, as gemmlowp */
    return (int32_t)q;
}

/* gemmlowp RoundingDivideByPOT: x / 2^exponent rounded half away from zero. */
static inline int32_t mg_rounding_divide_by_pot(int32_t x, int exponent)
{
    const int32_t mask = (int32_t)((1u << exponent) - 1u); /* exponent is 0..31 */
    const int32_t remainder = x & mask;
    const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
    return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* TFLM MultiplyByQuantizedMultiplier (double rounding): x * multiplier * 2^shift. */
static inline int32_t mg_requantize(int32_t x, int32_t multiplier, int32_t shift)
{
    const int left_shift = shift > 0 ? (int)shift : 0;
    const int right_shift = shift > 0 ? 0 : (int)-shift;
    /* TFLM computes x * (1 << left_shift) in int32; shifting the unsigned bits gives the same
     * value wherever TFLM's is defined, without a 64-bit shift (a libgcc call on RV32 -Os) */
    const int32_t shifted = mg_wrap_i32((int64_t)(uint32_t)((uint32_t)x << left_shift));
    return mg_rounding_divide_by_pot(mg_srdhm(shifted, multiplier), right_shift);
}

#endif /* MG_TYPES_H */
