/* AVERAGE_POOL_2D for Cortex-M cores with the DSP extension, bit-exact with TFLM's reference
 * kernel: channels a multiple of 4, windows of at most 256 taps. Four channels are summed at once
 * in two halfword-pair accumulators (SXTAB16 of the even and the odd bytes of a word); a window
 * of <= 256 int8 taps cannot leave int16. Streams output rows through scratch. */
#ifndef MG_AVERAGE_POOL_2D_DSP_S8_H
#define MG_AVERAGE_POOL_2D_DSP_S8_H

#include "mg_pool_2d.h" /* mg_average_pool_2d_dsp_params, mg_average_pool_2d_dsp_s8 and its scratch twin */

#endif /* MG_AVERAGE_POOL_2D_DSP_S8_H */
