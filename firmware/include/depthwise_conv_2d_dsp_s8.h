/* DEPTHWISE_CONV_2D for Cortex-M cores with the DSP extension (M4, M7, M33, M55), bit-exact with
 * TFLM's reference kernel. Depth multiplier 1, channels a multiple of 4, any filter size up to
 * MG_DW_DSP_MAX_TAPS taps, stride, dilation and padding.
 *
 * Per output pixel, four channels at a time: the input words of two taps are unpacked with
 * SXTB16 and paired tap by tap with PKHBT/PKHTB, so one SMLAD adds both taps of one channel.
 * Weights are laid out at generate time (mcugen/ops/variants.py): taps padded with a zero tap to
 * an even count, then per group of 4 channels and per pair of taps two words, each holding
 * [w(t0, c), w(t0, c + 1), w(t1, c), w(t1, c + 1)], so SXTB16 yields the pair that meets the
 * input's. Taps outside the image read a row of the input zero point (the input offset is
 * folded into the bias). Streams output rows through scratch (overlap contract). */
#ifndef MG_DEPTHWISE_CONV_2D_DSP_S8_H
#define MG_DEPTHWISE_CONV_2D_DSP_S8_H

#include "mg_stream.h"

#define MG_DW_DSP_MAX_TAPS 32

typedef struct {
    MG_CHANNEL_WINDOW_FIELDS
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t taps_even;     /* filter_h * filter_w rounded up to even */
    int32_t pad_value;     /* input zero point: what taps outside the image read */
    int32_t output_offset; /* output zero point */
    int32_t act_min, act_max;
    int32_t lean;          /* 1: shift holds right shifts for mg_requantize_rs and the activation
                              range is all of int8 (both proved by the generator) */
    const int8_t *filter;  /* [channels / 4][taps_even / 2][2 words], see above */
    const int32_t *quant;  /* [channels][2]: folded bias (bias + input_offset * sum of the
                              channel's weights), multiplier */
    const int8_t *shift;   /* [channels]: right shift (lean) or TFLM's shift */
    int8_t *scratch;       /* channels bytes (a row of the zero point), then out_w * channels */
} mg_depthwise_conv_2d_dsp_params;

mg_status mg_depthwise_conv_2d_dsp_s8(const mg_depthwise_conv_2d_dsp_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: a row of the zero point (channels), then one
 * output row (out_w * channels) (-1 when p is NULL). The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_depthwise_conv_2d_dsp_s8_scratch_bytes(const mg_depthwise_conv_2d_dsp_params *p);

#endif /* MG_DEPTHWISE_CONV_2D_DSP_S8_H */
