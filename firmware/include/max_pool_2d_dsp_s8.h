/* MAX_POOL_2D for Cortex-M cores with the DSP extension, bit-exact with TFLM's reference kernel:
 * channels a multiple of 4. Four channels at once: SSUB8 sets a flag per byte lane and SEL picks
 * the larger, two instructions a tap; the running maximum starts at the activation minimum and
 * ends clamped to the maximum the same way. Streams output rows through scratch. */
#ifndef MG_MAX_POOL_2D_DSP_S8_H
#define MG_MAX_POOL_2D_DSP_S8_H

#include "mg_pool_2d.h" /* mg_max_pool_2d_dsp_params, mg_max_pool_2d_dsp_s8 and its scratch twin */

#endif /* MG_MAX_POOL_2D_DSP_S8_H */
