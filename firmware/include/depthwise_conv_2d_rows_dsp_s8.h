/* DEPTHWISE_CONV_2D, depth multiplier 1, channels a multiple of 4, up to MG_DW_ROWS_MAX_TAPS taps,
 * any stride, dilation and padding, on a layer whose output stage the generator proved lean and
 * whose activation range is all of int8 (mcugen/ops/depthwise_rows.py); bit-exact with TFLM's
 * reference kernel. The DSP and RV32 variants' choice for MobileNet / DS-CNN layers.
 *
 * Walk: output row, then group of 4 channels, then output pixel. Per row the taps' input offsets
 * are set once (and each edge pixel's own, whose columns outside the image read a row of the input
 * zero point); per row and group the taps' weights are unpacked once into the table (SXTB16 lanes)
 * beside the group's output-stage constants (the output zero point folded into the rounding
 * term). So a pixel costs per tap one table load, one input word, two SXTB16 and four 16x16
 * multiply-adds, and per group of 4 outputs about 30 instructions of output stage. Filter rows
 * above or below the image are not walked: their zero-point share goes into the group's bias.
 * Streams output rows through scratch (overlap contract). */
#ifndef MG_DEPTHWISE_CONV_2D_ROWS_DSP_S8_H
#define MG_DEPTHWISE_CONV_2D_ROWS_DSP_S8_H

#include "mg_stream.h"

#define MG_DW_ROWS_MAX_TAPS 25

typedef struct {
    MG_CHANNEL_WINDOW_FIELDS
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t ox_lo, ox_hi;  /* the output pixels whose filter columns all lie inside the image */
    int32_t pad_value;     /* input zero point: what taps outside the image would read */
    int32_t round_unit;    /* 1 + 2 * output zero point: shifted left by s - 1, the rounding term
                              of a right shift s with the zero point folded in */
    const int8_t *filter;  /* [channels / 4][filter_w][filter_h][4]: per group, column by column,
                              tap by tap, the weights of its 4 channels */
    const int32_t *quant;  /* [channels][2]: folded bias (bias + input offset times the channel's
                              weight sum), multiplier */
    const int8_t *shift;   /* [channels]: right shifts, 1 .. 30 */
    const int16_t *edges;  /* per pixel outside ox_lo .. ox_hi - 1, left to right: the filter
                              columns inside the image and the pixel {fx_lo, fx_hi, ox} (NULL
                              when there is none) */
    int8_t *scratch;       /* out_w * channels (one output row), then the table (see below) */
} mg_depthwise_conv_2d_rows_dsp_params;

mg_status mg_depthwise_conv_2d_rows_dsp_s8(const mg_depthwise_conv_2d_rows_dsp_params *p, const int8_t *in,
                                           int8_t *out);

/* Bytes p->scratch must hold (-1 when p is NULL): one output row (out_w * channels), a row of the
 * zero point (channels), the table (12 bytes a tap), the edge pixels' offsets (4 bytes a tap each).
 * The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_depthwise_conv_2d_rows_dsp_s8_scratch_bytes(const mg_depthwise_conv_2d_rows_dsp_params *p);

#endif /* MG_DEPTHWISE_CONV_2D_ROWS_DSP_S8_H */
