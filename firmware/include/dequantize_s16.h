/* DEQUANTIZE int16 to float32 (a 16x8 model's float output), TFLM's reference arithmetic. */
#ifndef MG_DEQUANTIZE_S16_H
#define MG_DEQUANTIZE_S16_H

#include "mg_types.h"

typedef struct {
    int32_t size;        /* elements */
    int32_t zero_point;  /* input zero point */
    const float *scale;  /* [1] input scale */
} mg_dequantize_s16_params;

/* out[i] = scale * (in[i] - zero_point), rounded once to float as TFLM's double product is.
 * `out` must not overlap `in`. */
mg_status mg_dequantize_s16(const mg_dequantize_s16_params *p, const int16_t *in, float *out);

#endif /* MG_DEQUANTIZE_S16_H */
