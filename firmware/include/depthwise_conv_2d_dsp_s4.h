/* DEPTHWISE_CONV_2D with packed int4 weights for Cortex-M cores with the DSP extension (M4, M7,
 * M33, M55), bit-exact with TFLM's reference kernel (which unpacks int4 to int8). Depth
 * multiplier 1, channels a multiple of 4, up to MG_DW_DSP_MAX_TAPS taps, any stride, dilation
 * and padding: depthwise_conv_2d_dsp_s8's walk and input pairing (mg_depthwise_dsp.h).
 *
 * Weights stay half size in flash: per group of 4 channels and per pair of taps one word, channel
 * c + i's two weights as signed nibbles at bits 12 - 4i and 28 - 4i (laid out at generate time,
 * mcugen/ops/int4_dsp.py), so (word << 4i) & 0xF000F000 is the pair times 4096 as two int16
 * halves for SMLAD; the sum, at most 32 taps, is shifted back by 12 exactly. Same params as
 * depthwise_conv_2d_dsp_s8 (filter: [channels / 4][taps_even / 2] words). */
#ifndef MG_DEPTHWISE_CONV_2D_DSP_S4_H
#define MG_DEPTHWISE_CONV_2D_DSP_S4_H

#include "depthwise_conv_2d_dsp_s8.h"

typedef mg_depthwise_conv_2d_dsp_params mg_depthwise_conv_2d_dsp_s4_params;

mg_status mg_depthwise_conv_2d_dsp_s4(const mg_depthwise_conv_2d_dsp_s4_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold: a row of the zero point (channels), then one output row
 * (out_w * channels) (-1 when p is NULL). The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_depthwise_conv_2d_dsp_s4_scratch_bytes(const mg_depthwise_conv_2d_dsp_s4_params *p);

#endif /* MG_DEPTHWISE_CONV_2D_DSP_S4_H */
