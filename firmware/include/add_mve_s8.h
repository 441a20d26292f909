/* ADD without broadcasting for Cortex-M55 and other cores with MVE (Helium), bit-exact with
 * TFLM's reference kernel, four elements at a time: both inputs widened to int32 lanes get their
 * offset and TFLM's left shift in one VMLA, then each of TFLM's three rescaling steps
 * (MultiplyByQuantizedMultiplierSmallerThanOneExp: shifts <= 0, multipliers >= 0, both checked by
 * the generator) is VQRDMULH, a sign fix and VRSHL (mg_mve.h). Element-wise: elements i..i+3 of
 * both inputs are read before out[i..i+3] is written, so `out` may be a same-shape input. */
#ifndef MG_ADD_MVE_S8_H
#define MG_ADD_MVE_S8_H

#include "mg_types.h"

/* One rescaling step: rdbpot(srdhm(v, multiplier), -shift). */
typedef struct {
    int32_t multiplier; /* >= 0 */
    int32_t shift;      /* <= 0 */
} mg_add_mve_step;

typedef struct {
    int32_t size;                          /* elements */
    int32_t input1_base, input2_base;      /* -zero point * 2^left_shift */
    int32_t left_scale;                    /* 2^left_shift */
    mg_add_mve_step input1, input2, output;
    int32_t output_offset;                 /* output zero point */
    int32_t act_min, act_max;
} mg_add_mve_params;

mg_status mg_add_mve_s8(const mg_add_mve_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);

#endif /* MG_ADD_MVE_S8_H */
