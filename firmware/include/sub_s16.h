/* SUB, int16 activations (16x8 models) with TFLite broadcasting: TFLM's general int16 path
 * (mg_add_sub_s16.h). `out` may be the same buffer as a same-shape input. */
#ifndef MG_SUB_S16_H
#define MG_SUB_S16_H

#include "mg_add_sub_s16.h"

typedef mg_add_sub_params mg_sub_s16_params;

mg_status mg_sub_s16(const mg_sub_s16_params *p, const int16_t *in1, const int16_t *in2, int16_t *out);

#endif /* MG_SUB_S16_H */
