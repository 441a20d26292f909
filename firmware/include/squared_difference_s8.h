/* SQUARED_DIFFERENCE, int8, with TFLite broadcasting (TFLM squared_difference.cc: both inputs
 * shifted left by left_shift and rescaled to twice the larger input scale, their difference
 * squared in int32, one requantization to the output). */
#ifndef MG_SQUARED_DIFFERENCE_S8_H
#define MG_SQUARED_DIFFERENCE_S8_H

#include "mg_broadcast.h"

typedef struct {
    MG_BROADCAST_BINARY_FIELDS
    int32_t left_shift;        /* 7 for int8 */
    int32_t input1_multiplier; /* both below one: shifts <= 0 */
    int32_t input1_shift;
    int32_t input2_multiplier;
    int32_t input2_shift;
    int32_t output_multiplier;
    int32_t output_shift;
    int32_t act_min;
    int32_t act_max;
} mg_squared_difference_params;

/* out = (in1 - in2)^2, broadcast per the strides. Output element i is written after both inputs'
 * elements for i were read, so `out` may be the same buffer as a same-shape input. */
mg_status mg_squared_difference_s8(const mg_squared_difference_params *p, const int8_t *in1,
                                   const int8_t *in2, int8_t *out);

#endif /* MG_SQUARED_DIFFERENCE_S8_H */
