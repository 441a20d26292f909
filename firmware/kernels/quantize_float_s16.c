#include "quantize_float_s16.h"

#include "mg_quantize_float.h"

mg_status mg_quantize_float_s16(const mg_quantize_float_s16_params *p, const float *in, int16_t *out)
{
    int32_t i;
    if (p == NULL || p->scale == NULL || in == NULL || out == NULL || p->size < 0) {
        return MG_ERR_ARG;
    }
    for (i = 0; i < p->size; ++i) {
        out[i] = (int16_t)mg_quantize_float(in[i], p->scale[0], p->zero_point, -32768, 32767);
    }
    return MG_OK;
}
