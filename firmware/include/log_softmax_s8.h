/* LOG_SOFTMAX over the last dimension, int8 in, int8 out (scale 16/256, zero point 127), with
 * TFLM's gemmlowp fixed-point arithmetic. The rescaled difference to the row maximum and its
 * exp() term are 256-entry tables computed ahead of time; the log of the row's sum runs here.
 * Reads a whole row before writing it, so in-place is safe. */
#ifndef MG_LOG_SOFTMAX_S8_H
#define MG_LOG_SOFTMAX_S8_H

#include "mg_types.h"

typedef struct {
    int32_t rows;
    int32_t depth;                   /* 1..4095 */
    int32_t diff_min;                /* differences x - max below it are skipped (<= 0) */
    int32_t reverse_scaling_divisor; /* Q5.26 -> input units, as MultiplyByQuantizedMultiplier */
    int32_t reverse_scaling_shift;   /* <= 0 */
    const int32_t *diff_table;       /* [256]: x - max in Q5.26 by max - x; 0 below diff_min */
    const int32_t *exp_table;        /* [256]: exp(x - max) in Q12.19 by max - x; 0 below diff_min */
} mg_log_softmax_params;

mg_status mg_log_softmax_s8(const mg_log_softmax_params *p, const int8_t *in, int8_t *out);

#endif /* MG_LOG_SOFTMAX_S8_H */
