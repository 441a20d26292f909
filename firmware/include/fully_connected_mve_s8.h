/* FULLY_CONNECTED (fully_connected_s8.h) with symmetric weights for Cortex-M55 and other cores
 * with MVE (Helium), bit-exact with TFLM's reference kernel. Four output channels at a time: per
 * 16 inputs one load of the input, one of each channel's weights (as they are in the model) and
 * one VMLADAVA per channel; the last inputs < 16 predicated. The input offset is folded into the
 * bias at generate time (mcugen/ops/variants_mve.py); the four sums are requantized as one
 * vector. `out` must not overlap `in`. */
#ifndef MG_FULLY_CONNECTED_MVE_S8_H
#define MG_FULLY_CONNECTED_MVE_S8_H

#include "fully_connected_s8.h"

typedef struct {
    MG_FULLY_CONNECTED_DIMS
    int32_t output_offset; /* output zero point */
    int32_t act_min, act_max;
    int32_t lean;          /* 1: every shift is <= -1 (mg_mve_requantize_lean), proved by the generator */
    const int8_t *filter;  /* [output_depth][accum_depth] */
    const int32_t *quant;  /* per group of 4 channels 9 words: folded biases (bias + input_offset * sum
                              of the channel's weights), multipliers (>= 0), TFLM's shifts as 4 bytes */
} mg_fully_connected_mve_params;

mg_status mg_fully_connected_mve_s8(const mg_fully_connected_mve_params *p, const int8_t *in, int8_t *out);

#endif /* MG_FULLY_CONNECTED_MVE_S8_H */
