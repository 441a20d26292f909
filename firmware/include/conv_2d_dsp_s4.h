/* CONV_2D with packed int4 weights for Cortex-M cores with the DSP extension (M4, M7, M33, M55),
 * bit-exact with TFLM's reference kernel (which unpacks int4 to int8). Groups of one only, any
 * filter size, stride, dilation and padding; the walk, the columns and the output stage are
 * conv_2d_dsp_s8's (mg_conv_dsp.h), with int4 columns (per int16 word, both pixels' words).
 *
 * The weights stay half size in flash: per channel pair and per 8 taps one word of each channel,
 * eight taps offset by 8 (mg_dsp_s4.h), laid out at generate time (mcugen/ops/int4_dsp.py); the
 * taps' sum, taken while the column is gathered, undoes the offset. Same params as
 * conv_2d_dsp_s8 (filter: [(out_c + 1) / 2][col_len / 8][2 channels] words). */
#ifndef MG_CONV_2D_DSP_S4_H
#define MG_CONV_2D_DSP_S4_H

#include "conv_2d_dsp_s8.h"

typedef mg_conv_2d_dsp_params mg_conv_2d_dsp_s4_params;

mg_status mg_conv_2d_dsp_s4(const mg_conv_2d_dsp_s4_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold: conv_2d_dsp_s8's (-1 when p is NULL). The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_conv_2d_dsp_s4_scratch_bytes(const mg_conv_2d_dsp_s4_params *p);

#endif /* MG_CONV_2D_DSP_S4_H */
