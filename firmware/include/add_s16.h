/* ADD, int16 activations (16x8 models) with TFLite broadcasting: TFLM's general int16 path
 * (mg_add_sub_s16.h). `out` may be the same buffer as a same-shape input. */
#ifndef MG_ADD_S16_H
#define MG_ADD_S16_H

#include "mg_add_sub_s16.h"

typedef mg_add_sub_params mg_add_s16_params;

mg_status mg_add_s16(const mg_add_s16_params *p, const int16_t *in1, const int16_t *in2, int16_t *out);

#endif /* MG_ADD_S16_H */
