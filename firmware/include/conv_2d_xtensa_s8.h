/* CONV_2D for the xtensa kernel variant (one group): unsigned bytes through MUL16U, see
 * mg_xtensa.h; data laid out by mcugen/ops/variants_xtensa.py. */
#ifndef MG_CONV_2D_XTENSA_S8_H
#define MG_CONV_2D_XTENSA_S8_H

#include "mg_xtensa.h"

typedef struct {
    int32_t batches;
    int32_t in_h, in_w, in_c;
    int32_t out_h, out_w, out_c;
    int32_t filter_h, filter_w;
    int32_t stride_h, stride_w;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t pad_value;       /* the input zero point + 128: what taps outside the image read */
    const uint8_t *filter;   /* [ceil(out_c / 4)][filter_h * filter_w * in_c][4], each w + 128 */
    MG_XT_QUANT_FIELDS       /* bias: bias_folded - 128 * sum(w), per channel */
    int8_t *scratch;         /* one output row (out_w * out_c), then the window (taps bytes) */
} mg_conv_2d_xtensa_params;

mg_status mg_conv_2d_xtensa_s8(const mg_conv_2d_xtensa_params *p, const int8_t *in, int8_t *out);

int32_t mg_conv_2d_xtensa_s8_scratch_bytes(const mg_conv_2d_xtensa_params *p);

#endif /* MG_CONV_2D_XTENSA_S8_H */
