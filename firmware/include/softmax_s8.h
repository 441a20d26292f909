/* SOFTMAX over the last dimension, int8 in, int8 out (scale 1/256, zero point -128), with TFLM's
 * gemmlowp fixed-point arithmetic. exp() of every possible input difference is a 256-entry
 * table computed ahead of time; the reciprocal of the sum runs here. Element-wise per row:
 * reads a whole row before writing it, so in-place is safe. */
#ifndef MG_SOFTMAX_S8_H
#define MG_SOFTMAX_S8_H

#include "mg_types.h"

typedef struct {
    int32_t rows;
    int32_t depth;
    const int32_t *exp_table; /* [256]: exp(-(max - x)) in Q0.31 by max - x; 0 below diff_min */
} mg_softmax_params;

mg_status mg_softmax_s8(const mg_softmax_params *p, const int8_t *in, int8_t *out);

#endif /* MG_SOFTMAX_S8_H */
