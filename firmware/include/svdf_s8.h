/* SVDF, int8 input and output, TFLM's integer reference arithmetic. The activation state
 * (`state`: [batches][num_filters][memory_size], int8 or int16 as weights_time) persists between
 * invokes; each invoke, per batch row b and filter f:
 *   row = state[b][f]; row shifts left by one (the oldest value drops out);
 *   row[memory_size - 1] = wrap(state_zero_point
 *                               + clamp(requantize(feature_bias[f] + sum_i weights_feature[f][i] * in[b][i],
 *                                                  feature_multiplier, feature_shift), state type range))
 * and per output unit u (filters u * rank .. u * rank + rank - 1):
 *   out[b][u] = clamp(requantize(unit_bias[u] + sum_f sum_m weights_time[f][m] * row_f[m],
 *                                output_multiplier, output_shift) + output_offset, -128, 127)
 * Sums wrap in int32 (as TFLM's); wrap() stores to the state type modulo 2^bits, as TFLM's
 * assignment does. No scratch. `out` must not overlap `in` or the state. */
#ifndef MG_SVDF_S8_H
#define MG_SVDF_S8_H

#include "mg_types.h"

typedef struct {
    int32_t batches;
    int32_t input_size;
    int32_t num_filters;
    int32_t rank;              /* filters per output unit */
    int32_t memory_size;
    int32_t state_int16;       /* 0: state and weights_time int8; 1: both int16 */
    int32_t state_zero_point;
    int32_t output_offset;     /* output zero point */
    int32_t feature_multiplier;
    int32_t feature_shift;     /* -31..30 */
    int32_t output_multiplier;
    int32_t output_shift;      /* -31..30 */
    const int8_t *weights_feature; /* [num_filters][input_size] */
    const void *weights_time;      /* [num_filters][memory_size], int8_t or int16_t like the state */
    const int32_t *feature_bias;   /* [num_filters]: -input zero point * sum of the filter's weights */
    const int32_t *unit_bias;      /* [num_filters / rank]: bias - state zero point * time-weight sums */
} mg_svdf_params;

mg_status mg_svdf_s8(const mg_svdf_params *p, const int8_t *in, void *state, int8_t *out);

#endif /* MG_SVDF_S8_H */
