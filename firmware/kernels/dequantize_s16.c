#include "dequantize_s16.h"

mg_status mg_dequantize_s16(const mg_dequantize_s16_params *p, const int16_t *in, float *out)
{
    int32_t i;
    if (p == NULL || p->scale == NULL || in == NULL || out == NULL || p->size < 0) {
        return MG_ERR_ARG;
    }
    /* TFLM multiplies in double; a float times a 17-bit integer is exact in a double, so
     * rounding it to float equals one correctly rounded float multiply: no double needed. */
    for (i = 0; i < p->size; ++i) {
        out[i] = (float)((int32_t)in[i] - p->zero_point) * p->scale[0];
    }
    return MG_OK;
}
