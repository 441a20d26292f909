/* CONV_2D for Cortex-M55 and other cores with MVE (Helium), bit-exact with TFLM's reference
 * kernel: groups of one, any filter size, stride, dilation and padding.
 *
 * One output pixel at a time: its taps are one contiguous column, its input pixel itself for a
 * 1x1 unpadded filter (`direct`), else its window gathered into scratch (taps outside the image
 * read the input zero point, the input offset being folded into the bias). Weights are laid out
 * at generate time (mcugen/ops/variants_mve.py) per group of 4 output channels as
 * [chunks][4 channels][16 taps], taps zero-padded to whole chunks of 16 and channels to whole
 * groups: per chunk one column load, 4 weight loads and 4 VMLADAVA (64 MACs in 10 instructions
 * with the loop's LE; VMLADAVA accumulates in even registers only, so more pixels or channels
 * per pass would spill). The column's last taps < 16 are loaded predicated, so a column read in
 * place needs no padding. A pixel's four sums are one vector, requantized with the group's
 * constants (mg_mve.h) and stored as 4 bytes. Streams output rows through scratch. */
#ifndef MG_CONV_2D_MVE_S8_H
#define MG_CONV_2D_MVE_S8_H

#include "mg_types.h"

typedef struct {
    MG_CONV_GEOMETRY_FIELDS;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t pad_value;     /* input zero point: what taps outside the image read */
    int32_t direct;        /* 1: a 1x1 unpadded filter, whose columns are the input pixels */
    int32_t output_offset; /* output zero point */
    int32_t act_min, act_max;
    int32_t lean;          /* 1: every shift is <= -1 (mg_mve_requantize_lean), proved by the generator */
    const int8_t *filter;  /* per group of 4 channels [chunks][4][16]: the taps (filter_h * filter_w *
                              in_c, OHWI order) zero-padded to chunks of 16, missing channels zero */
    const int32_t *quant;  /* per group of 4 channels 9 words: folded biases (bias + input_offset * sum
                              of the channel's weights), multipliers (>= 0), TFLM's shifts as 4 bytes */
    int8_t *scratch;       /* one output row (out_w * out_c), then the window (filter_h * filter_w *
                              in_c bytes) unless direct */
} mg_conv_2d_mve_params;

mg_status mg_conv_2d_mve_s8(const mg_conv_2d_mve_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: one output row (out_w * out_c), then the window
 * (filter_h * filter_w * in_c) unless direct; -1 when p is NULL. The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_conv_2d_mve_s8_scratch_bytes(const mg_conv_2d_mve_params *p);

#endif /* MG_CONV_2D_MVE_S8_H */
