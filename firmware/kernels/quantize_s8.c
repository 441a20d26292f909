#include "quantize_s8.h"

#include "mg_quantize_float.h"

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
            out[i] = (int8_t)mg_quantize_float(src[i], p->scale[0], p->zero_point, -128, 127);
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
