/* ADD, int8 with TFLite broadcasting (TFLM reference arithmetic: both inputs rescaled to a
 * common 2^20-scaled domain, summed, requantized). Element-wise: in-place safe. */
#ifndef MG_ADD_S8_H
#define MG_ADD_S8_H

#include "mg_types.h"

typedef struct {
    int32_t size;         /* output elements */
    int32_t broadcast;    /* 0: both inputs have the output's shape; 1: use dims/strides */
    int32_t dims[6];      /* output shape, left-padded with 1 */
    int32_t strides1[6];  /* input1 element strides per output dim (0 where broadcast) */
    int32_t strides2[6];
    int32_t input1_offset, input2_offset; /* -zero points */
    int32_t output_offset;
    int32_t left_shift;
    int32_t input1_multiplier, input1_shift;
    int32_t input2_multiplier, input2_shift;
    int32_t output_multiplier, output_shift;
    int32_t act_min, act_max;
} mg_add_params;

mg_status mg_add_s8(const mg_add_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);

#endif /* MG_ADD_S8_H */
