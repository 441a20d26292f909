/* MUL, int16 (16x8 models), with TFLite broadcasting: TFLM's reference arithmetic as for int8
 * (zero points are 0 here, TFLM requires it), the int32 product requantized once. */
#ifndef MG_MUL_S16_H
#define MG_MUL_S16_H

#include "mul_s8.h" /* mg_mul_params: the same fields */

typedef mg_mul_params mg_mul_s16_params;

/* out = in1 * in2, broadcast per the strides. Output element i is written after both inputs'
 * elements for i were read, so `out` may be the same buffer as a same-shape input. */
mg_status mg_mul_s16(const mg_mul_s16_params *p, const int16_t *in1, const int16_t *in2, int16_t *out);

#endif /* MG_MUL_S16_H */
