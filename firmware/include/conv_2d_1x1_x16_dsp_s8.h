/* CONV_2D with a 1x1 filter (pointwise), one group, no padding, any stride, in_c % 8 == 0, even
 * out_c, for Cortex-M cores with the DSP extension, bit-exact with TFLM's reference kernel where
 * the generator proved the lean output stage exact, chosen where the arena has room
 * (mcugen/ops/variants_mm.py, widen_pointwise).
 *
 * conv_2d_1x1_dsp with both operands in int16: the whole input is widened into scratch first (its
 * three-pixel columns one after the other, each with its sentinel), so every output can be
 * written straight to `out` whatever the overlap; then `block` channel pairs at a time have their
 * weights widened (mg_mm_widen_stream) and are walked over every column with one LDM a group
 * instead of LDRD and four SXTB16 (16 instructions per 24 MACs instead of 20). */
#ifndef MG_CONV_2D_1X1_X16_DSP_S8_H
#define MG_CONV_2D_1X1_X16_DSP_S8_H

#include "mg_conv_mm.h"

typedef struct {
    int32_t batches;
    int32_t in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t stride_h, stride_w;
    int32_t groups;        /* in_c / 4 */
    int32_t block;         /* channel pairs widened at a time */
    int32_t k;             /* 2 * output zero point + 1 */
    mg_mm_walk3_fn walk;   /* mg_mm_walk3w_relu or mg_mm_walk3w_fix */
    const int8_t *stream;  /* as conv_2d_1x1_dsp's (mg_mm_dsp.h) */
    const int8_t *shifts;
    int8_t *scratch;       /* the widened input, `block` pairs' widened weights, the last three
                              pixels' outputs when the pixel count is not a multiple of 3 */
} mg_conv_2d_1x1_x16_dsp_params;

mg_status mg_conv_2d_1x1_x16_dsp_s8(const mg_conv_2d_1x1_x16_dsp_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold: ceil(pixels / 3) columns of groups * 24 + 8 bytes, block * (16 +
 * 16 * groups) bytes of weights, 3 * out_c when out_h * out_w % 3 != 0 (-1 when p is NULL). The
 * twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_conv_2d_1x1_x16_dsp_s8_scratch_bytes(const mg_conv_2d_1x1_x16_dsp_params *p);

#endif /* MG_CONV_2D_1X1_X16_DSP_S8_H */
