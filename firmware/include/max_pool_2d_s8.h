/* MAX_POOL_2D, int8 NHWC: largest window tap inside the image, clamped to the fused activation range
 * (TFLM reference arithmetic). Streams output rows through p->scratch. */
#ifndef MG_MAX_POOL_2D_S8_H
#define MG_MAX_POOL_2D_S8_H

#include "mg_pool_2d.h" /* mg_max_pool_2d_params, mg_max_pool_2d_s8 and its scratch twin */

#endif /* MG_MAX_POOL_2D_S8_H */
