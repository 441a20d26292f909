/* FULLY_CONNECTED (fully_connected_s8.h) for Cortex-M cores with the DSP extension (M4, M7, M33,
 * M55), bit-exact with TFLM's reference kernel (symmetric weights: filter zero point 0).
 *
 * Per batch row, the input is widened once into an int16 column (sxtb16 order, zero-padded to
 * col_len taps) in scratch; then each pair of output channels is one walk over pair-interleaved
 * weights (laid out at generate time by mcugen/ops/variants.py), 2 MACs per SMLAD. The input
 * offset is folded into the bias at generate time. `out` must not overlap `in`. */
#ifndef MG_FULLY_CONNECTED_DSP_S8_H
#define MG_FULLY_CONNECTED_DSP_S8_H

#include "fully_connected_s8.h"

typedef struct {
    MG_FULLY_CONNECTED_DIMS
    int32_t col_len;       /* accum_depth rounded up to a multiple of 8 */
    int32_t output_offset; /* output zero point */
    int32_t act_min, act_max;
    int32_t lean;          /* 1: shift holds right shifts for mg_requantize_rs and the activation
                              range is all of int8 (both proved by the generator) */
    const int8_t *filter;  /* [(output_depth + 1) / 2][col_len / 4][2 channels][4] */
    const int32_t *quant;  /* [output_depth rounded up to even][2]: folded bias (bias + input_offset * sum of the
                              channel's weights), multiplier */
    const int8_t *shift;   /* [output_depth rounded up to even]: right shift (lean) or TFLM's shift */
    int8_t *scratch;       /* 2 * col_len bytes: the widened input row */
} mg_fully_connected_dsp_params;

mg_status mg_fully_connected_dsp_s8(const mg_fully_connected_dsp_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: the input row widened to int16 (2 * col_len)
 * (-1 when p is NULL). The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_fully_connected_dsp_s8_scratch_bytes(const mg_fully_connected_dsp_params *p);

#endif /* MG_FULLY_CONNECTED_DSP_S8_H */
