/* LEAKY_RELU, int8: TFLM requantizes with one of two multipliers by sign;
 * an int8 input has 256 values, so mcugen runs that arithmetic in Python once per value
 * (mcugen/ops/leaky_relu.py) and the kernel is a table lookup. */
#ifndef MG_LEAKY_RELU_S8_H
#define MG_LEAKY_RELU_S8_H

#include "mg_types.h"

typedef struct {
    int32_t size;         /* elements */
    const int8_t *table;  /* [256] output for input value v at table[v + 128] */
} mg_leaky_relu_params;

/* out[i] = table[in[i] + 128]; reads in[i] before writing out[i], so out may equal in. */
mg_status mg_leaky_relu_s8(const mg_leaky_relu_params *p, const int8_t *in, int8_t *out);

#endif /* MG_LEAKY_RELU_S8_H */
