/* MUL, int8, with TFLite broadcasting (TFLM reference arithmetic: offset inputs multiplied in
 * int32, then one requantization). */
#ifndef MG_MUL_S8_H
#define MG_MUL_S8_H

#include "mg_broadcast.h"

typedef struct {
    MG_BROADCAST_BINARY_FIELDS
    int32_t output_multiplier;
    int32_t output_shift;
    int32_t act_min;
    int32_t act_max;
} mg_mul_params;

/* out = in1 * in2, broadcast per the strides. Output element i is written after both inputs'
 * elements for i were read, so `out` may be the same buffer as a same-shape input. */
mg_status mg_mul_s8(const mg_mul_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);

#endif /* MG_MUL_S8_H */
