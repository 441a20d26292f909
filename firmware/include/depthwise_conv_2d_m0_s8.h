/* DEPTHWISE_CONV_2D for Cortex-M0/M0+ (ARMv6-M), bit-exact with TFLM's reference kernel. Depth
 * multiplier 1, an even channel count; any filter size, stride, dilation and padding.
 *
 * Per output pixel, a list of the window's tap pointers (taps outside the image point at a row of
 * the input zero point, the input offset being folded into the bias); then per pair of channels
 * one walk over the list, three taps per turn: LDRSB with the channel as register offset, the
 * weight one LDR with an immediate offset (mg_m0.h: 5 instructions per MAC). Weights are laid out
 * at generate time (mcugen/ops/variants_m0.py) as int32 words [channels / 2][taps][2], taps padded
 * to a multiple of 3 with zero weights. Streams output rows through scratch (overlap contract). */
#ifndef MG_DEPTHWISE_CONV_2D_M0_S8_H
#define MG_DEPTHWISE_CONV_2D_M0_S8_H

#include "mg_stream.h"

#define MG_DW_M0_MAX_TAPS 51 /* up to 7x7 windows: the tap list lives on the stack */

typedef struct {
    MG_CHANNEL_WINDOW_FIELDS
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t taps;          /* filter_h * filter_w rounded up to a multiple of 3, <= MG_DW_M0_MAX_TAPS */
    int32_t pad_value;     /* input zero point: what taps outside the image read */
    int32_t output_offset; /* output zero point */
    int32_t act_min, act_max;
    int32_t lean;          /* 1: every channel's shift is a right shift (mg_m0_requantize_rs) */
    const int32_t *filter; /* [channels / 2][taps][2] */
    const int32_t *quant;  /* [channels][4] (mg_m0.h): bias + input_offset * sum of the channel's
                              weights, multiplier, shift, half */
    int8_t *scratch;       /* a row of the zero point (channels bytes), then one output row
                              (out_w * channels) */
} mg_depthwise_conv_2d_m0_params;

mg_status mg_depthwise_conv_2d_m0_s8(const mg_depthwise_conv_2d_m0_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params (-1 when p is NULL). The twin of
 * KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_depthwise_conv_2d_m0_s8_scratch_bytes(const mg_depthwise_conv_2d_m0_params *p);

#endif /* MG_DEPTHWISE_CONV_2D_M0_S8_H */
