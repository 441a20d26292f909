/* CONV_2D with a 1x1 filter (any stride; groups of one) for Cortex-M55 and other cores with MVE
 * (Helium), bit-exact with TFLM's reference kernel. A pixel's taps are its input pixel's
 * channels, read where they are: no gathering (mg_mve_conv.h: quads of pixels, VMLADAVA over
 * 16 channels, requantization on four lanes). Streams output rows through the ring in scratch. */
#ifndef MG_CONV_2D_1X1_MVE_S8_H
#define MG_CONV_2D_1X1_MVE_S8_H

#include "mg_types.h"

typedef struct {
    int32_t batches;
    int32_t in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t stride_h, stride_w;
    int32_t ring_pixels;         /* round_up(out_w + 3, 4): output pixels the ring holds */
    int32_t output_offset;       /* output zero point */
    int32_t act_min, act_max;
    const int8_t *filter;        /* [out_c][in_c] */
    const int32_t *bias_folded;  /* [out_c]: bias + input_offset * sum of the channel's weights */
    const int32_t *multiplier;   /* [out_c], >= 0 */
    const int8_t *shift;         /* [out_c]: TFLM's shift */
    int8_t *scratch;             /* ring_pixels * out_c bytes: the ring of output pixels */
} mg_conv_2d_1x1_mve_params;

mg_status mg_conv_2d_1x1_mve_s8(const mg_conv_2d_1x1_mve_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: the ring (ring_pixels * out_c), -1 when p is NULL. The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_conv_2d_1x1_mve_s8_scratch_bytes(const mg_conv_2d_1x1_mve_params *p);

#endif /* MG_CONV_2D_1X1_MVE_S8_H */
