/* CONV_2D, int8 NHWC activations, int8 OHWI per-channel weights, int32 bias (TFLM reference
 * arithmetic). Streams output rows through p->scratch (overlap contract in docs/design.md). */
#ifndef MG_CONV_2D_S8_H
#define MG_CONV_2D_S8_H

#include "mg_types.h"

typedef struct {
    int32_t batches;
    int32_t in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t filter_h, filter_w, filter_in_c; /* in_c / filter_in_c groups */
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t input_offset;  /* -input zero point */
    int32_t output_offset; /* output zero point */
    int32_t act_min, act_max;
    const int8_t *filter;        /* [out_c][filter_h][filter_w][filter_in_c] */
    const int32_t *bias_folded;  /* [out_c]: bias + input_offset * sum(filter[c]) (bias may be 0) */
    const int32_t *multiplier;   /* [out_c] */
    const int8_t *shift;         /* [out_c], -31..30 */
    int8_t *scratch;             /* one output row (out_w * out_c), then the window (fh*fw*filter_in_c)
                                  * unless the filter is 1x1 and ungrouped */
} mg_conv_2d_params;

mg_status mg_conv_2d_s8(const mg_conv_2d_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: one output row (out_w * out_c), plus the
 * gathered window (filter_h * filter_w * filter_in_c) unless the filter is 1x1 and ungrouped
 * (-1 when p is NULL). The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_conv_2d_s8_scratch_bytes(const mg_conv_2d_params *p);

#endif /* MG_CONV_2D_S8_H */
