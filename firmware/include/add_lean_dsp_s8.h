/* Same-shape ADD for Cortex-M cores with the DSP extension, bit-exact with TFLM's reference
 * kernel where the generator proved this form exact (mcugen/ops/variants_mm.py, add_lean):
 * TFLM brings both inputs to twice the larger input scale, so the input with the larger scale is
 * multiplied by exactly 0.5 (multiplier 2^30, no shift): on (x + offset) * 2^20 that is the shift
 * (x + offset) * 2^19. The generator passes that input second. The other input's step is one
 * SMMLAR with a sign correction and a right shift (rs >= 1) whose addend also carries the second
 * input's offset, and the output step is the matrix kernels' lean output stage (mg_mm_out: zero
 * point and rounding in one addend, SSAT): 14 instructions an element.
 * Element-wise: element i of both inputs is read before out[i] is written. */
#ifndef MG_ADD_LEAN_DSP_S8_H
#define MG_ADD_LEAN_DSP_S8_H

#include "mg_types.h"

typedef struct {
    int32_t size;              /* elements */
    int32_t input1_offset;     /* -zero point of the rescaled input, times 2^21 */
    int32_t input1_multiplier; /* >= 0 */
    int32_t input1_addend;     /* 2^(rs - 1) + (-zero point of the shifted input) * 2^(19 + rs) */
    int32_t input1_shift;      /* right shift rs >= 1 */
    int32_t output_multiplier; /* >= 0 */
    int32_t output_shift;      /* right shift - 1 */
    int32_t k;                 /* 2 * output zero point + 1 */
    int32_t relu;              /* 1: output zero point -128: no sign fix (see mg_mm_dsp.h) */
} mg_add_lean_dsp_params;

mg_status mg_add_lean_dsp_s8(const mg_add_lean_dsp_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);

#endif /* MG_ADD_LEAN_DSP_S8_H */
