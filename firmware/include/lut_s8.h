/* Any int8 -> int8 element-wise function as a table lookup (LOGISTIC, TANH, LEAKY_RELU,
 * HARD_SWISH, ...): an int8 input has 256 values, so mcugen runs TFLM's exact integer
 * arithmetic for each of them in Python (mcugen/ops/<op>.py) and the kernel only looks up. */
#ifndef MG_LUT_S8_H
#define MG_LUT_S8_H

#include "mg_types.h"

typedef struct {
    int32_t size;         /* elements */
    const int8_t *table;  /* [256] output for input value v at table[v + 128] */
} mg_lut_params;

/* out[i] = table[in[i] + 128]; reads in[i] before writing out[i], so out may equal in. */
mg_status mg_lut_s8(const mg_lut_params *p, const int8_t *in, int8_t *out);

#endif /* MG_LUT_S8_H */
