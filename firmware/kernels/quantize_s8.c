#include "quantize_s8.h"

/* std::round (halves away from zero) of a float already limited to a small range; exact
 * because x - trunc(x) is representable for |x| < 2^23. No libm. */
static int32_t round_half_away(float x)
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
 * (cvttss2si -> INT32_MIN) the host tflite-micro returns -128 for +big, +inf and NaN alike. This
 * kernel defines those cases as the Cortex-M conversion instruction (VCVT: saturating, NaN -> 0)
 * does: +big and +inf give 127, -big and -inf give -128, NaN gives the zero point
 * (tests/faults/test_convert_faults.py pins these on the host-compiled kernel). */
static int8_t quantize_float(float v, float scale, int32_t zero_point)
{
    float q = v / scale; /* a float division, exactly as TFLM's AffineQuantize */
    if (q != q) {
        q = 0.0f;
    }
    /* anything beyond +-1000 saturates int8 whatever the zero point; keeps the cast defined */
    if (q > 1000.0f) {
        q = 1000.0f;
    } else if (q < -1000.0f) {
        q = -1000.0f;
    }
    return (int8_t)mg_clamp_i32(round_half_away(q) + zero_point, -128, 127);
}

mg_status mg_quantize_s8(const mg_quantize_params *p, const void *in, int8_t *out)
{
    int32_t i;
    if (p == NULL || in == NULL || out == NULL || p->size < 0) {
        return MG_ERR_ARG;
    }
    if (p->from_float) {
        const float *src = (const float *)in;
        if (p->scale == NULL) {
            return MG_ERR_ARG;
        }
        for (i = 0; i < p->size; ++i) {
            out[i] = quantize_float(src[i], p->scale[0], p->zero_point);
        }
        return MG_OK;
    }
    {
        const int8_t *src = (const int8_t *)in;
        for (i = 0; i < p->size; ++i) {
            const int32_t v = mg_requantize((int32_t)src[i] - p->input_zero_point, p->multiplier,
                                            p->shift) + p->zero_point;
            out[i] = (int8_t)mg_clamp_i32(v, -128, 127);
        }
    }
    return MG_OK;
}
