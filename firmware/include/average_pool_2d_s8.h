/* AVERAGE_POOL_2D, int8 NHWC: mean of the window taps inside the image, rounded half away from zero, clamped to the fused activation range
 * (TFLM reference arithmetic). Streams output rows through p->scratch. */
#ifndef MG_AVERAGE_POOL_2D_S8_H
#define MG_AVERAGE_POOL_2D_S8_H

#include "mg_pool_2d.h" /* mg_average_pool_2d_params, mg_average_pool_2d_s8 and its scratch twin */

#endif /* MG_AVERAGE_POOL_2D_S8_H */
