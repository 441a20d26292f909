/* AVERAGE_POOL_2D, int16 NHWC (16x8 models): the mean of the window taps inside the image, rounded half away from zero, clamped to the fused activation range
 * (TFLM reference arithmetic). */
#ifndef MG_AVERAGE_POOL_2D_S16_H
#define MG_AVERAGE_POOL_2D_S16_H

#include "mg_pool_2d_s16.h" /* mg_average_pool_2d_s16_params, mg_average_pool_2d_s16 */

#endif /* MG_AVERAGE_POOL_2D_S16_H */
