#include "dequantize_s8.h"

mg_status mg_dequantize_s8(const mg_dequantize_params *p, const int8_t *in, float *out)
{
    int32_t i;
    if (p == NULL || p->scale == NULL || in == NULL || out == NULL || p->size < 0) {
        return MG_ERR_ARG;
    }
    /* TFLM multiplies in double; the exact product of a float and a 9-bit integer fits a double,
     * so rounding it to float equals one correctly rounded float multiply: no double needed. */
    for (i = 0; i < p->size; ++i) {
        out[i] = (float)((int32_t)in[i] - p->zero_point) * p->scale[0];
    }
    return MG_OK;
}
