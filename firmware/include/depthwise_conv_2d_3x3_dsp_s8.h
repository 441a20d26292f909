/* DEPTHWISE_CONV_2D with a 3x3 filter, no dilation, depth multiplier 1, channels a multiple of 4,
 * any stride and padding, on a layer whose output stage the generator proved lean and whose
 * activation range is all of int8 (mcugen/ops/depthwise_3x3.py); bit-exact with TFLM's reference
 * kernel. The DSP variant's choice for MobileNet / DS-CNN layers.
 *
 * Walk: output row, group of 4 channels, output pixel. Per row and group the three input rows the
 * filter meets are unpacked once into a strip of int16 pairs, column by column: rows 0 and 1 of
 * a channel as one SMLAD operand, row 2 of two channels as another. Per pixel, per filter column,
 * two loads of the strip and two of the group's weight table feed 8 multiply-adds (12 MACs); the
 * output stage is SMMLAR on the doubled sum (the weights and bias are doubled in the table), the
 * output zero point folded into its rounding term. Filter rows above or below the image are not
 * read: the table zeroes their weights and adds their zero-point share to the bias. Streams
 * output rows through scratch (overlap contract). */
#ifndef MG_DEPTHWISE_CONV_2D_3X3_DSP_S8_H
#define MG_DEPTHWISE_CONV_2D_3X3_DSP_S8_H

#include "mg_stream.h"

typedef struct {
    MG_CHANNEL_WINDOW_FIELDS     /* filter_h = filter_w = 3 */
    int32_t pad_top, pad_left;
    int32_t chunk;         /* output pixels per strip (a row's pixels in chunks when its strip
                              would be too big) */
    int32_t slots;         /* the strip's columns: (chunk - 1) * stride_w + 3, and when chunked
                              room for the first chunk's left and the last's right columns outside
                              the image too */
    int32_t tables;        /* 1: a group's table (148 bytes) rebuilt for every row; channels / 4:
                              one a group, built once (when the plan leaves the room) */
    int32_t pad_value;     /* input zero point: what taps outside the image would read */
    int32_t round_unit;    /* 1 + 2 * output zero point: shifted left by s - 1, the rounding term
                              of a right shift s with the zero point folded in */
    const int8_t *filter;  /* [channels / 4][3 filter columns][3 words]: per group g and column,
                              rows 0-1 of channels 4g, 4g+1 as [w0c0 w0c1 w1c0 w1c1], the same of
                              4g+2, 4g+3, then row 2 of the four channels */
    const int32_t *quant;  /* [channels / 4][8]: per group the 4 folded biases (bias + input
                              offset times the channel's weight sum), then the 4 multipliers */
    const int8_t *shift;   /* [channels]: right shifts, 1 .. 30 */
    int8_t *scratch;       /* one output row (out_w * channels), the group's table, the strip (below) */
} mg_depthwise_conv_2d_3x3_dsp_params;

mg_status mg_depthwise_conv_2d_3x3_dsp_s8(const mg_depthwise_conv_2d_3x3_dsp_params *p, const int8_t *in,
                                          int8_t *out);

/* Bytes p->scratch must hold (-1 when p is NULL): one output row (out_w * channels), the tables
 * (148 bytes each), the strip (24 bytes a slot). The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_depthwise_conv_2d_3x3_dsp_s8_scratch_bytes(const mg_depthwise_conv_2d_3x3_dsp_params *p);

#endif /* MG_DEPTHWISE_CONV_2D_3X3_DSP_S8_H */
