/* MAX_POOL_2D (max_pool_2d_s8.h) for Cortex-M55 and other cores with MVE (Helium), bit-exact
 * with TFLM's reference kernel: sixteen channels per VMAX over the window's taps inside the
 * image, then the activation range. Streams output rows through scratch. */
#ifndef MG_MAX_POOL_2D_MVE_S8_H
#define MG_MAX_POOL_2D_MVE_S8_H

#include "mg_pool_2d.h"

typedef mg_pool_2d_params mg_max_pool_2d_mve_params;

mg_status mg_max_pool_2d_mve_s8(const mg_max_pool_2d_mve_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: one output row (out_w * channels), -1 when p is NULL. */
int32_t mg_max_pool_2d_mve_s8_scratch_bytes(const mg_max_pool_2d_mve_params *p);

#endif /* MG_MAX_POOL_2D_MVE_S8_H */
