/* ADD, int8 with TFLite broadcasting (TFLM reference arithmetic: both inputs rescaled to a
 * common 2^20-scaled domain, summed, requantized; mg_add_sub.h). Output element i is written
 * after both inputs' elements for i were read, so `out` may be the same buffer as a same-shape
 * input. */
#ifndef MG_ADD_S8_H
#define MG_ADD_S8_H

#include "mg_add_sub.h"

typedef mg_add_sub_params mg_add_params;

mg_status mg_add_s8(const mg_add_params *p, const int8_t *in1, const int8_t *in2, int8_t *out);

#endif /* MG_ADD_S8_H */
