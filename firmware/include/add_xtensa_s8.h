/* ADD and SUB of same-shape int8 tensors for the xtensa kernel variant: each input byte's value
 * in the common domain (offset, left shift, rescale: TFLM's arithmetic) is one of 256, looked up in
 * a table computed by mcugen/ops/variants_xtensa.py (SUB: the second table negated), so one
 * requantization per element remains (mg_xtensa.h). */
#ifndef MG_ADD_XTENSA_S8_H
#define MG_ADD_XTENSA_S8_H

#include "mg_xtensa.h"

typedef struct {
    int32_t size;                 /* elements */
    const int32_t *input1_table;  /* [256], by the input byte (uint8_t)x */
    const int32_t *input2_table;  /* [256] */
    int32_t output_multiplier;    /* >= 0 */
    int32_t right_shift;          /* -TFLM's output shift: 0..31 */
    mg_xt_range out;              /* the output zero point, the activation range */
} mg_add_xtensa_params;

mg_status mg_add_xtensa_s8(const mg_add_xtensa_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);

#endif /* MG_ADD_XTENSA_S8_H */
