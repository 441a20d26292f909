/* TRANSPOSE_CONV, int16 NHWC activations (16x8 models), per-channel int8 weights
 * [out_c][filter_h][filter_w][in_c], int64 bias (TFLM reference arithmetic: zero points 0, an
 * int64 sum of the taps reaching each output element, the 64-bit requantization, no scratch). */
#ifndef MG_TRANSPOSE_CONV_S16_H
#define MG_TRANSPOSE_CONV_S16_H

#include "mg_requantize64.h"

typedef struct {
    MG_CONV_GEOMETRY_FIELDS;
    int32_t pad_h, pad_w;           /* TFLM's padding of the forward convolution */
    const int8_t *filter;
    const int64_t *bias;            /* [out_c] or NULL */
    const int32_t *multipliers;     /* [out_c] */
    const int32_t *shifts;          /* [out_c] */
} mg_transpose_conv_s16_params;

/* `out` must not overlap `in`. */
mg_status mg_transpose_conv_s16(const mg_transpose_conv_s16_params *p, const int16_t *in, int16_t *out);

#endif /* MG_TRANSPOSE_CONV_S16_H */
