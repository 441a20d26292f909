/* DEPTHWISE_CONV_2D (depth multiplier 1, windows of at most 32 taps) for Cortex-M55 and other
 * cores with MVE (Helium), bit-exact with TFLM's reference kernel; any channel count.
 *
 * Eight channels at a time, widened to int16: per tap one load of the input and one of the
 * weights, VMULLB/VMULLT multiply the even and the odd channels into int32 lanes and two adds
 * accumulate them (8 MACs in 6 instructions); taps outside the image read a row of the input
 * zero point (the input offset is folded into the bias). Weights and per-channel constants are
 * laid out at generate time (mcugen/ops/variants_mve.py) in groups of 8 channels, even channels
 * then odd ones, and are requantized as such; VMOVNB/VMOVNT put them back in order. Streams
 * output rows through scratch. */
#ifndef MG_DEPTHWISE_CONV_2D_MVE_S8_H
#define MG_DEPTHWISE_CONV_2D_MVE_S8_H

#include "mg_stream.h"

#define MG_DW_MVE_MAX_TAPS 32

typedef struct {
    MG_CHANNEL_WINDOW_FIELDS
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t pad_value;     /* input zero point: what taps outside the image read */
    int32_t output_offset; /* output zero point */
    int32_t act_min, act_max;
    int32_t lean;          /* 1: every shift is <= -1 (mg_mve_requantize_lean), proved by the generator */
    const int8_t *filter;  /* [channels / 8 rounded up][taps][8], zero weights for missing channels */
    const int32_t *quant;  /* per group of 8: folded bias of channels 0, 2, 4, 6, then of 1, 3, 5, 7,
                              then their multipliers (>= 0) in the same order */
    const int8_t *shift;   /* per group of 8: TFLM's shift of channels 0, 2, 4, 6, then 1, 3, 5, 7 */
    int8_t *scratch;       /* channels bytes (a row of the zero point), then out_w * channels (a row) */
} mg_depthwise_conv_2d_mve_params;

mg_status mg_depthwise_conv_2d_mve_s8(const mg_depthwise_conv_2d_mve_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: a row of the zero point (channels), then one
 * output row (out_w * channels); -1 when p is NULL. The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_depthwise_conv_2d_mve_s8_scratch_bytes(const mg_depthwise_conv_2d_mve_params *p);

#endif /* MG_DEPTHWISE_CONV_2D_MVE_S8_H */
