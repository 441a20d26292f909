/* QUANTIZE of one float to an integer type (a float model's input), TFLM's AffineQuantize:
 * round(v / scale) with a float32 division and halves away from zero, plus the zero point,
 * saturated to [lo, hi]. Shared by the int8 and int16 kernels. */
#ifndef MG_QUANTIZE_FLOAT_H
#define MG_QUANTIZE_FLOAT_H

#include "mg_types.h"

/* std::round (halves away from zero) of a float already limited to a small range; exact
 * because x - trunc(x) is representable for |x| < 2^23. No libm. */
static inline int32_t mg_round_half_away(float x)
{
    const int32_t t = (int32_t)x;
    const float frac = x - (float)t;
    if (frac >= 0.5f) {
        return t + 1;
    }
    if (frac <= -0.5f) {
        return t - 1;
    }
    return t;
}

/* Bit-exact with TFLM's AffineQuantize for every input whose v / scale is finite and within the
 * int32 range. Beyond it (+-inf, NaN, |v / scale| >= 2^31) TFLM's static_cast<int32_t> of the
 * rounded value is undefined behaviour, and what it gives depends on the machine: on x86
 * (cvttss2si -> INT32_MIN) the host tflite-micro returns the type's minimum for +big, +inf and
 * NaN alike. This defines those cases as the Cortex-M conversion instruction (VCVT: saturating,
 * NaN -> 0) does: +big and +inf give hi, -big and -inf give lo, NaN gives the zero point
 * (tests/faults/test_convert_faults.py pins these on the host-compiled kernels). */
static inline int32_t mg_quantize_float(float v, float scale, int32_t zero_point, int32_t lo, int32_t hi)
{
    float q = v / scale; /* a float division, exactly as TFLM's AffineQuantize */
    if (q != q) {
        q = 0.0f;
    }
    /* beyond +-2^17 any int8 or int16 result saturates whatever the zero point; keeps the cast defined */
    if (q > 131072.0f) {
        q = 131072.0f;
    } else if (q < -131072.0f) {
        q = -131072.0f;
    }
    return mg_clamp_i32(mg_round_half_away(q) + zero_point, lo, hi);
}

#endif /* MG_QUANTIZE_FLOAT_H */
