/* CONV_2D of a 3-channel image with a 3x3 filter (the first layer of image models), one group,
 * any stride, padding and vertical dilation, for Cortex-M cores with the DSP extension,
 * bit-exact with TFLM's reference kernel where the generator proved the lean output stage exact
 * (mcugen/ops/variants_mm.py).
 *
 * conv_2d_im2col_dsp with a faster window gather: inside the image, a pixel's 27 taps are read
 * as 7 words straight from its three input rows (unaligned loads, bytes merged across rows) and
 * widened; tap 27 has a zero weight. Border pixels take the tap by tap path. */
#ifndef MG_CONV_2D_RGB_DSP_S8_H
#define MG_CONV_2D_RGB_DSP_S8_H

#include "mg_conv_mm.h"

typedef mg_conv_2d_mm_params mg_conv_2d_rgb_dsp_params;

mg_status mg_conv_2d_rgb_dsp_s8(const mg_conv_2d_rgb_dsp_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold: the column (groups * 24 + 8), a window's bytes (groups * 4 + 4),
 * then the staging area ((out_w + 2) * out_c + 1), with `widen` the int16 stream (mg_conv_mm.h)
 * (-1 when p is NULL). The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_conv_2d_rgb_dsp_s8_scratch_bytes(const mg_conv_2d_rgb_dsp_params *p);

#endif /* MG_CONV_2D_RGB_DSP_S8_H */
