/* SOFTMAX over the last dimension, int8 in, int8 out (scale 1/256, zero point -128) or int16 out
 * (scale 1/65536, zero point -32768), with TFLM's gemmlowp fixed-point arithmetic. exp() of every
 * input difference is a table computed ahead of time, cut after its last non-zero entry (at most
 * 256 entries; the differences past it read 0); the reciprocal of the
 * sum runs here. Element-wise per row: reads a whole row before writing it, so in-place is safe
 * for int8 output (an int16 output is wider than its input: never in place). */
#ifndef MG_SOFTMAX_S8_H
#define MG_SOFTMAX_S8_H

#include "mg_types.h"

typedef struct {
    int32_t rows;
    int32_t depth;
    int32_t int16_output; /* 0: `out` is int8_t, 1: int16_t (TFLM's Softmax<int8_t, int16_t>) */
    int32_t exp_len;          /* entries in exp_table, 1..256 */
    const int32_t *exp_table; /* [exp_len]: exp(-(max - x)) in Q0.31 by max - x; 0 below diff_min */
} mg_softmax_params;

mg_status mg_softmax_s8(const mg_softmax_params *p, const int8_t *in, void *out);

#endif /* MG_SOFTMAX_S8_H */
