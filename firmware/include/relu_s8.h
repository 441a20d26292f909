/* RELU and RELU6, int8 (TFLM reference arithmetic). RELU requantizes to the output scale and
 * clamps at the output's zero; RELU6 clamps in the input's scale without requantizing, as TFLM
 * does. */
#ifndef MG_RELU_S8_H
#define MG_RELU_S8_H

#include "mg_types.h"

typedef struct {
    int32_t size;          /* elements */
    int32_t requantize;    /* 0: out = clamp(in, act_min, act_max) */
    int32_t input_offset;  /* input zero point (subtracted) */
    int32_t output_offset; /* output zero point (added) */
    int32_t multiplier;    /* input scale / output scale */
    int32_t shift;
    int32_t act_min;
    int32_t act_max;
} mg_relu_params;

/* Reads in[i] before writing out[i], so out may equal in. */
mg_status mg_relu_s8(const mg_relu_params *p, const int8_t *in, int8_t *out);

#endif /* MG_RELU_S8_H */
