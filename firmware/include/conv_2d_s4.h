/* CONV_2D, int8 NHWC activations, int4 OHWI per-channel weights kept packed (TFLite INT4: two per
 * byte, low nibble first), int32 bias; conv_2d_s8's arithmetic (TFLM unpacks int4 to int8). Streams output rows through p->scratch (overlap contract in docs/design.md). */
#ifndef MG_CONV_2D_S4_H
#define MG_CONV_2D_S4_H

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
    const uint8_t *filter;       /* packed int4 [out_c][filter_h][filter_w][filter_in_c] */
    const int32_t *bias_folded;  /* [out_c]: bias + input_offset * sum(filter[c]) (bias may be 0) */
    const int32_t *multiplier;   /* [out_c] */
    const int8_t *shift;         /* [out_c], -31..30 */
    int8_t *scratch;             /* one output row (out_w * out_c), then the window (fh*fw*filter_in_c)
                                  * unless the filter is 1x1 and ungrouped */
} mg_conv_2d_s4_params;

mg_status mg_conv_2d_s4(const mg_conv_2d_s4_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: one output row (out_w * out_c), plus the
 * gathered window (filter_h * filter_w * filter_in_c) unless the filter is 1x1 and ungrouped
 * (-1 when p is NULL). The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_conv_2d_s4_scratch_bytes(const mg_conv_2d_s4_params *p);

#endif /* MG_CONV_2D_S4_H */
