/* CONV_2D for Cortex-M55 and other cores with MVE (Helium), bit-exact with TFLM's reference
 * kernel: groups of one, any filter size, stride, dilation and padding. Each output pixel's
 * window is gathered into a column of scratch (taps outside the image read the input zero point,
 * the input offset being folded into the bias), four columns at a time, then dotted with every
 * channel's weights as they are in the model (mg_mve_conv.h). Streams output rows through the
 * ring in scratch. */
#ifndef MG_CONV_2D_MVE_S8_H
#define MG_CONV_2D_MVE_S8_H

#include "mg_types.h"

typedef struct {
    MG_CONV_GEOMETRY_FIELDS;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t pad_value;           /* input zero point: what taps outside the image read */
    int32_t ring_pixels;         /* round_up(out_w + 3, 4): output pixels the ring holds */
    int32_t output_offset;       /* output zero point */
    int32_t act_min, act_max;
    const int8_t *filter;        /* [out_c][filter_h][filter_w][in_c] */
    const int32_t *bias_folded;  /* [out_c]: bias + input_offset * sum of the channel's weights */
    const int32_t *multiplier;   /* [out_c], >= 0 */
    const int8_t *shift;         /* [out_c]: TFLM's shift */
    int8_t *scratch;             /* the ring of output pixels (ring_pixels * out_c), then four
                                    columns of filter_h * filter_w * in_c bytes */
} mg_conv_2d_mve_params;

mg_status mg_conv_2d_mve_s8(const mg_conv_2d_mve_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: ring_pixels * out_c + 4 * filter_h * filter_w * in_c (-1 when p is NULL). The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_conv_2d_mve_s8_scratch_bytes(const mg_conv_2d_mve_params *p);

#endif /* MG_CONV_2D_MVE_S8_H */
