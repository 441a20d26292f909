/* CONV_2D for Cortex-M cores with the DSP extension (M4, M7, M33, M55), bit-exact with TFLM's
 * reference kernel. Groups of one only, any filter size, stride, dilation and padding.
 *
 * Per output row: two pixels at a time are gathered into int16 columns (im2col, taps outside
 * the image read the input zero point, the input offset being folded into the bias), then each
 * pair of output channels is dotted with both columns, 2 MACs per SMLAD. Weights are laid out
 * at generate time (mcugen/ops/variants.py): each channel's filter_h*filter_w*in_c taps padded
 * with zeros to col_len (a multiple of 4), and channel pairs interleaved word by word, so one
 * walk reads both channels. Streams output rows through scratch (overlap contract). */
#ifndef MG_CONV_2D_DSP_S8_H
#define MG_CONV_2D_DSP_S8_H

#include "mg_types.h"

typedef struct {
    MG_CONV_GEOMETRY_FIELDS;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t col_len;       /* filter_h * filter_w * in_c rounded up to a multiple of 4 */
    int32_t pad_value;     /* input zero point: what taps outside the image read */
    int32_t output_offset; /* output zero point */
    int32_t act_min, act_max;
    int32_t lean;          /* 1: shift holds right shifts for mg_requantize_rs and the activation
                              range is all of int8 (both proved by the generator) */
    const int8_t *filter;  /* [(out_c + 1) / 2][col_len / 4][2 channels][4 taps] */
    const int32_t *quant;  /* [out_c rounded up to even][2]: folded bias (bias + input_offset * sum of the
                              channel's weights), multiplier */
    const int8_t *shift;   /* [out_c rounded up to even]: right shift (lean) or TFLM's shift */
    int8_t *scratch;       /* 4 * col_len bytes (two int16 columns), col_len (a window's bytes),
                              then two output rows of out_w * out_c + 4 bytes */
} mg_conv_2d_dsp_params;

mg_status mg_conv_2d_dsp_s8(const mg_conv_2d_dsp_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: two int16 columns and a window's bytes
 * (5 * col_len), then two output rows of out_w * out_c + 4 bytes (-1 when p is NULL). The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_conv_2d_dsp_s8_scratch_bytes(const mg_conv_2d_dsp_params *p);

#endif /* MG_CONV_2D_DSP_S8_H */
