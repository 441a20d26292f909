/* CONV_2D (and FULLY_CONNECTED, as a 1x1 convolution over a batches x 1 image) for Cortex-M0/M0+
 * (ARMv6-M), bit-exact with TFLM's reference kernels. Groups of one only; any filter size,
 * stride, dilation and padding.
 *
 * Pixels go in pairs (raster order, also across a row's end): both windows are gathered into one
 * column of offset-binary bytes (u = x + 128, the two pixels' taps interleaved), then each pair of
 * output channels is a 2x2 block of dot products (mg_m0.h: 13 instructions per 4 MACs). A pixel
 * left alone at the end takes the 2x1 loop. Weights are laid out at generate time
 * (mcugen/ops/variants_m0.py): v = w + 128, channel pairs interleaved tap by tap, taps padded with
 * v = 128 (w = 0) to a multiple of 8; the folded bias also holds -128 sum v + 16384 taps, so the
 * kernel only subtracts 128 sum u per pixel. Streams output rows through scratch (overlap
 * contract). */
#ifndef MG_CONV_2D_M0_S8_H
#define MG_CONV_2D_M0_S8_H

#include "mg_types.h"

typedef struct {
    MG_CONV_GEOMETRY_FIELDS;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t taps;          /* filter_h * filter_w * in_c rounded up to a multiple of 8 */
    int32_t pad_u;         /* input zero point + 128: the u of a tap outside the image */
    int32_t output_offset; /* output zero point */
    int32_t act_min, act_max;
    int32_t lean;          /* 1: every channel's shift is a right shift (mg_m0_requantize_rs) */
    const uint8_t *filter; /* [(out_c + 1) / 2][taps][2 channels]: w + 128 */
    const int32_t *quant;  /* [out_c rounded up to even][4] (mg_m0.h): bias + input_offset * sum w
                              - 128 sum v + 16384 taps (modulo 2^32), multiplier, shift, half */
    int8_t *scratch;       /* 2 * taps bytes (the column pair), then two output rows of out_w * out_c */
} mg_conv_2d_m0_params;

mg_status mg_conv_2d_m0_s8(const mg_conv_2d_m0_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: the column pair (2 * taps) and two output rows
 * (2 * out_w * out_c); -1 when p is NULL. The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_conv_2d_m0_s8_scratch_bytes(const mg_conv_2d_m0_params *p);

#endif /* MG_CONV_2D_M0_S8_H */
