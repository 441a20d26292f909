/* ADD, int8 with TFLite broadcasting (TFLM reference arithmetic: both inputs rescaled to a
 * common 2^20-scaled domain, summed, requantized). Output element i is written after both
 * inputs' elements for i were read, so `out` may be the same buffer as a same-shape input. */
#ifndef MG_ADD_S8_H
#define MG_ADD_S8_H

#include "mg_types.h"

typedef struct {
    int32_t rank;             /* dims of the collapsed output iteration space, 1..6 */
    const int32_t *dims;      /* [rank] output extent per dim */
    const int32_t *stride1;   /* [rank] element stride of input 1 per dim (0 = broadcast) */
    const int32_t *stride2;   /* [rank] element stride of input 2 per dim (0 = broadcast) */
    int32_t input1_offset, input2_offset; /* -zero points */
    int32_t output_offset;
    int32_t left_shift;
    int32_t input1_multiplier, input1_shift;
    int32_t input2_multiplier, input2_shift;
    int32_t output_multiplier, output_shift;
    int32_t act_min, act_max;
} mg_add_params;

mg_status mg_add_s8(const mg_add_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);

#endif /* MG_ADD_S8_H */
