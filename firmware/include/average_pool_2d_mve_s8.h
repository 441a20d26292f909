/* AVERAGE_POOL_2D (average_pool_2d_s8.h) for Cortex-M55 and other cores with MVE (Helium),
 * bit-exact with TFLM's reference kernel, any channel count, windows of at most 256 taps: eight
 * channels are summed at once in int16 lanes (a sum of <= 256 int8 taps cannot leave int16),
 * then each is divided by the count as TFLM rounds it. Streams output rows through scratch. */
#ifndef MG_AVERAGE_POOL_2D_MVE_S8_H
#define MG_AVERAGE_POOL_2D_MVE_S8_H

#include "mg_pool_2d.h"

typedef mg_pool_2d_params mg_average_pool_2d_mve_params;

mg_status mg_average_pool_2d_mve_s8(const mg_average_pool_2d_mve_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: one output row (out_w * channels), -1 when p is NULL. */
int32_t mg_average_pool_2d_mve_s8_scratch_bytes(const mg_average_pool_2d_mve_params *p);

#endif /* MG_AVERAGE_POOL_2D_MVE_S8_H */
