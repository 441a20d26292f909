/* CONV_2D, int16 NHWC activations (16x8 models), int8 OHWI per-channel weights, int64 bias:
 * an int64 accumulator requantized by the 64-bit MultiplyByQuantizedMultiplier (TFLM reference
 * arithmetic; both zero points are 0). Writes the output directly (no row streaming). */
#ifndef MG_CONV_2D_S16_H
#define MG_CONV_2D_S16_H

#include "mg_requantize64.h"

typedef struct {
    int32_t batches;
    int32_t in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t filter_h, filter_w, filter_in_c; /* in_c / filter_in_c groups */
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t act_min, act_max;
    const int8_t *filter;      /* [out_c][filter_h][filter_w][filter_in_c] */
    const int64_t *bias;       /* [out_c] (zeros when the model has none) */
    const int32_t *multiplier; /* [out_c], >= 0 */
    const int8_t *shift;       /* [out_c], -31..7 */
} mg_conv_2d_s16_params;

/* `out` must not overlap `in`. */
mg_status mg_conv_2d_s16(const mg_conv_2d_s16_params *p, const int16_t *in, int16_t *out);

#endif /* MG_CONV_2D_S16_H */
