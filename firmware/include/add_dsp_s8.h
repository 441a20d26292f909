/* ADD without broadcasting for Cortex-M cores with the DSP extension, bit-exact with TFLM's
 * reference kernel. Each of TFLM's three MultiplyByQuantizedMultiplierSmallerThanOneExp steps is
 * one SMMLAR on the doubled value plus a sign correction and a shift (see mg_requantize_rs); the
 * generator (mcugen/ops/variants.py) checks that every value stays below 2^30 and precomputes
 * the per-step constants. Element-wise: element i of both inputs is read before out[i] is written. */
#ifndef MG_ADD_DSP_S8_H
#define MG_ADD_DSP_S8_H

#include "mg_types.h"

/* One rescaling step: v -> rdbpot(srdhm(v, multiplier), right_shift). */
typedef struct {
    int32_t multiplier;  /* >= 0 */
    int32_t right_shift; /* >= 0 */
    int32_t half;        /* 2^(right_shift - 1), 0 when right_shift is 0 */
    int32_t neg_fix;     /* 1 when right_shift > 0 (round half away from zero), else 0 */
} mg_add_dsp_step;

typedef struct {
    int32_t size;                /* elements */
    int32_t input1_offset, input2_offset; /* -zero points */
    int32_t output_offset;
    int32_t doubled_left_shift;  /* TFLM's left shift + 1: (x + offset) * 2^left_shift, doubled */
    mg_add_dsp_step input1, input2, output;
    int32_t act_min, act_max;
} mg_add_dsp_params;

mg_status mg_add_dsp_s8(const mg_add_dsp_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);

#endif /* MG_ADD_DSP_S8_H */
