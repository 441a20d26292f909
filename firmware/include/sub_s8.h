/* SUB, int8, with TFLite broadcasting (TFLM reference arithmetic: both inputs rescaled to a
 * common scale with a 20-bit left shift, subtracted, requantized; mg_add_sub.h). */
#ifndef MG_SUB_S8_H
#define MG_SUB_S8_H

#include "mg_add_sub.h"

typedef mg_add_sub_params mg_sub_params;

/* out = in1 - in2, broadcast per the strides. Output element i is written after both inputs'
 * elements for i were read, so `out` may be the same buffer as a same-shape input. */
mg_status mg_sub_s8(const mg_sub_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);

#endif /* MG_SUB_S8_H */
