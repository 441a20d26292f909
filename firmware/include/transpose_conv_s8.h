/* TRANSPOSE_CONV, int8 NHWC, per-channel int8 weights [out_c][filter_h][filter_w][in_c]
 * (TFLM reference arithmetic). Each output element sums the input taps that reach it, offset by
 * the input zero point, plus the bias, requantized per channel; no scratch. */
#ifndef MG_TRANSPOSE_CONV_S8_H
#define MG_TRANSPOSE_CONV_S8_H

#include "mg_types.h"

typedef struct {
    MG_CONV_GEOMETRY_FIELDS;
    int32_t pad_h, pad_w;           /* TFLM's padding of the forward convolution */
    int32_t input_offset;           /* -input zero point */
    int32_t output_offset;          /* output zero point */
    const int8_t *filter;
    const int32_t *bias;            /* [out_c] or NULL */
    const int32_t *multipliers;     /* [out_c] */
    const int32_t *shifts;          /* [out_c] */
} mg_transpose_conv_params;

/* `out` must not overlap `in`. */
mg_status mg_transpose_conv_s8(const mg_transpose_conv_params *p, const int8_t *in, int8_t *out);

#endif /* MG_TRANSPOSE_CONV_S8_H */
