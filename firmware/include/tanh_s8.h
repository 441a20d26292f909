/* TANH, int8: TFLM evaluates gemmlowp's fixed-point tanh per element;
 * an int8 input has 256 values, so mcugen runs that arithmetic in Python once per value
 * (mcugen/ops/tanh.py) and the kernel is a table lookup. */
#ifndef MG_TANH_S8_H
#define MG_TANH_S8_H

#include "mg_types.h"

typedef struct {
    int32_t size;         /* elements */
    const int8_t *table;  /* [256] output for input value v at table[v + 128] */
} mg_tanh_params;

/* out[i] = table[in[i] + 128]; reads in[i] before writing out[i], so out may equal in. */
mg_status mg_tanh_s8(const mg_tanh_params *p, const int8_t *in, int8_t *out);

#endif /* MG_TANH_S8_H */
