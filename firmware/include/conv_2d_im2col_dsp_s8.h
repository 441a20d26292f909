/* CONV_2D, one group, any filter size, stride, dilation and padding, for Cortex-M cores with the
 * DSP extension, bit-exact with TFLM's reference kernel where the generator proved the lean
 * output stage exact (mcugen/ops/variants_mm.py).
 *
 * Three output pixels at a time: their windows gathered and widened to int16 into one column
 * (im2col; taps outside the image read the input zero point, the input offset being folded into
 * the bias), then every channel pair walked over it (mg_mm_dsp.h); output rows stream through
 * scratch (mg_conv_mm.h). */
#ifndef MG_CONV_2D_IM2COL_DSP_S8_H
#define MG_CONV_2D_IM2COL_DSP_S8_H

#include "mg_conv_mm.h"

typedef mg_conv_2d_mm_params mg_conv_2d_im2col_dsp_params;

mg_status mg_conv_2d_im2col_dsp_s8(const mg_conv_2d_im2col_dsp_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold: the column (groups * 24 + 8), a window's bytes (groups * 4 + 4) when
 * in_c is not a multiple of 4, then the staging area ((out_w + 2) * out_c + 1), with `widen` the
 * int16 stream (mg_conv_mm.h) (-1 when p is NULL). The twin of KernelCall.scratch_bytes
 * (mcugen/ops). */
int32_t mg_conv_2d_im2col_dsp_s8_scratch_bytes(const mg_conv_2d_im2col_dsp_params *p);

#endif /* MG_CONV_2D_IM2COL_DSP_S8_H */
