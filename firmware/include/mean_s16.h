/* MEAN, int16 (16x8 models), over any set of axes: tflite-micro's arithmetic as for int8 (int32
 * sum, zero-point correction, one requantization whose multiplier holds 1/count), saturated to
 * int16. */
#ifndef MG_MEAN_S16_H
#define MG_MEAN_S16_H

#include "mean_s8.h" /* mg_mean_params: the same fields */

typedef mg_mean_params mg_mean_s16_params;

/* Output-major, no scratch. `out` must not overlap `in`. */
mg_status mg_mean_s16(const mg_mean_s16_params *p, const int16_t *in, int16_t *out);

#endif /* MG_MEAN_S16_H */
