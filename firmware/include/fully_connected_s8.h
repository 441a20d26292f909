/* FULLY_CONNECTED, int8 activations and weights, int32 bias (TFLM reference arithmetic):
 *   out[b][c] = clamp(requantize(sum_d (filter[c][d] + filter_offset) * (in[b][d] + input_offset)
 *                     + bias[c]) + output_offset)
 * for b < batches, c < output_depth, d < accum_depth. `out` must not overlap `in`. The DSP kernel
 * (fully_connected_dsp_s8.h) computes the same with the offsets folded at generate time. */
#ifndef MG_FULLY_CONNECTED_S8_H
#define MG_FULLY_CONNECTED_S8_H

#include "mg_types.h"

/* The shape both FULLY_CONNECTED kernels' params begin with. */
#define MG_FULLY_CONNECTED_DIMS                                                              \
    int32_t batches;      /* output elements / output_depth */                              \
    int32_t accum_depth;  /* filter columns */                                              \
    int32_t output_depth; /* filter rows */

typedef struct {
    MG_FULLY_CONNECTED_DIMS
    int32_t input_offset;  /* -input zero point */
    int32_t filter_offset; /* -filter zero point (0 when per-channel) */
    int32_t output_offset; /* output zero point */
    int32_t act_min;
    int32_t act_max;
    int32_t per_channel;   /* 1: multiplier/shift hold output_depth entries, 0: one entry */
    const int8_t *filter;  /* [output_depth][accum_depth] */
    const int32_t *bias;   /* [output_depth] or NULL */
    const int32_t *multiplier;
    const int8_t *shift;       /* -31..30 */
} mg_fully_connected_params;

mg_status mg_fully_connected_s8(const mg_fully_connected_params *p, const int8_t *in, int8_t *out);

#endif /* MG_FULLY_CONNECTED_S8_H */
