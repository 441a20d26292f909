/* CONV_2D with a 1x1 filter (pointwise), one group, no padding, any stride, for Cortex-M cores with
 * the DSP extension, bit-exact with TFLM's reference kernel where the generator proved the lean
 * output stage exact, chosen where the arena has room for the layer's weights widened to int16
 * (mcugen/ops/variants_mm.py, widen_pointwise).
 *
 * conv_2d_1x1_dsp, with every channel pair's weights widened to int16 into scratch once per call
 * (mg_mm_widen_stream): the walks then load both channels' taps with two LDRD a group instead of
 * LDRD and four SXTB16 (17 instructions per 24 MACs instead of 20). Output rows stream through
 * the staging area as in conv_2d_1x1_dsp (mg_conv_mm.h). */
#ifndef MG_CONV_2D_1X1_W16_DSP_S8_H
#define MG_CONV_2D_1X1_W16_DSP_S8_H

#include "mg_conv_mm.h"

typedef mg_conv_2d_mm_params mg_conv_2d_1x1_w16_dsp_params;

mg_status mg_conv_2d_1x1_w16_dsp_s8(const mg_conv_2d_1x1_w16_dsp_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold: the column (groups * 24 + 8), the staging area ((out_w + 2) * out_c
 * + 1, rounded up to 4), the widened weights ((out_c + 1) / 2 * (16 + 16 * groups)) (-1 when p is
 * NULL). The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_conv_2d_1x1_w16_dsp_s8_scratch_bytes(const mg_conv_2d_1x1_w16_dsp_params *p);

#endif /* MG_CONV_2D_1X1_W16_DSP_S8_H */
