/* DEQUANTIZE int8 to float32 (a model's float output), TFLM's reference arithmetic. */
#ifndef MG_DEQUANTIZE_S8_H
#define MG_DEQUANTIZE_S8_H

#include "mg_types.h"

typedef struct {
    int32_t size;        /* elements */
    int32_t zero_point;  /* input zero point */
    const float *scale;  /* [1] input scale */
} mg_dequantize_params;

/* out[i] = scale * (in[i] - zero_point), rounded once to float as TFLM's double product is.
 * `out` must not overlap `in`. */
mg_status mg_dequantize_s8(const mg_dequantize_params *p, const int8_t *in, float *out);

#endif /* MG_DEQUANTIZE_S8_H */
