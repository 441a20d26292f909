/* SOFTMAX over the last dimension, int16 in (zero point 0), int16 out (scale 1/32768, zero
 * point 0), tflite-micro's SoftmaxInt16: exp() of each difference to the row maximum and the
 * reciprocal of the row's sum come from two 513-entry tables with int16 interpolation, computed
 * ahead of time (mcugen/ops/softmax16.py). Reads a whole row before writing it, then uses the
 * row's output as its scratch (element c written only after input c was read), so `out` may be
 * `in`. */
#ifndef MG_SOFTMAX_S16_H
#define MG_SOFTMAX_S16_H

#include "mg_types.h"

typedef struct {
    int32_t rows;
    int32_t depth;                            /* <= 65536: the int32 sum cannot overflow */
    int32_t input_multiplier;                 /* difference -> [-65535, 0] = [-10, 0] */
    int32_t input_shift;                      /* <= 15 */
    const int16_t *exp_table;                 /* [513] exp(x), x in [-10, 0], Q0.15 */
    const int16_t *one_over_one_plus_x_table; /* [513] 1 / (1 + x), x in [0, 1], Q0.15 */
} mg_softmax_s16_params;

mg_status mg_softmax_s16(const mg_softmax_s16_params *p, const int16_t *in, int16_t *out);

#endif /* MG_SOFTMAX_S16_H */
