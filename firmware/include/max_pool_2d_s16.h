/* MAX_POOL_2D, int16 NHWC (16x8 models): the largest window tap inside the image, clamped to the fused activation range
 * (TFLM reference arithmetic). */
#ifndef MG_MAX_POOL_2D_S16_H
#define MG_MAX_POOL_2D_S16_H

#include "mg_pool_2d_s16.h" /* mg_max_pool_2d_s16_params, mg_max_pool_2d_s16 */

#endif /* MG_MAX_POOL_2D_S16_H */
