/* DEPTHWISE_CONV_2D, int8 NHWC, packed int4 [1][fh][fw][out_c] per-channel weights, int32 bias, any
 * depth multiplier (TFLM reference arithmetic). Streams output rows through p->scratch. */
#ifndef MG_DEPTHWISE_CONV_2D_S4_H
#define MG_DEPTHWISE_CONV_2D_S4_H

#include "mg_types.h"

typedef struct {
    int32_t batches;
    int32_t in_h, in_w, in_c;
    int32_t out_h, out_w, out_c; /* out_c = in_c * depth_multiplier */
    int32_t depth_multiplier;
    int32_t filter_h, filter_w;
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t input_offset, output_offset;
    int32_t act_min, act_max;
    const uint8_t *filter;      /* packed int4 (TFLite INT4: two per byte, low nibble first) [filter_h][filter_w][out_c] */
    const int32_t *bias_folded; /* [out_c]: bias + input_offset * sum of the channel's taps */
    const int32_t *multiplier;  /* [out_c] */
    const int8_t *shift;        /* [out_c], -31..30 */
    int8_t *scratch;            /* out_w * out_c bytes: one output row */
} mg_depthwise_conv_2d_s4_params;

mg_status mg_depthwise_conv_2d_s4(const mg_depthwise_conv_2d_s4_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: one output row (out_w * out_c)
 * (-1 when p is NULL). The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_depthwise_conv_2d_s4_scratch_bytes(const mg_depthwise_conv_2d_s4_params *p);

#endif /* MG_DEPTHWISE_CONV_2D_S4_H */
