/* DEPTHWISE_CONV_2D (depth multiplier 1) for the xtensa kernel variant: activations as unsigned
 * bytes (x + 128) times int16 weights through MUL16S, see mg_xtensa.h; data laid out by
 * mcugen/ops/variants_xtensa.py. */
#ifndef MG_DEPTHWISE_CONV_2D_XTENSA_S8_H
#define MG_DEPTHWISE_CONV_2D_XTENSA_S8_H

#include "mg_stream.h"
#include "mg_xtensa.h"

/* Scratch bytes per tap pointer: 8, so the same generated plan holds them on a 64-bit host. */
#define MG_XT_POINTER_SLOT 8

typedef struct {
    MG_CHANNEL_WINDOW_FIELDS
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t pad_value;      /* the input zero point: what taps outside the image read */
    const int16_t *filter;  /* [filter_h * filter_w][channels] */
    MG_XT_QUANT_FIELDS      /* bias: bias_folded - 128 * sum of the channel's taps */
    int8_t *scratch;        /* a pointer slot per tap, a row of the zero point (channels), the output row */
} mg_depthwise_conv_2d_xtensa_params;

mg_status mg_depthwise_conv_2d_xtensa_s8(const mg_depthwise_conv_2d_xtensa_params *p, const int8_t *in,
                                         int8_t *out);

int32_t mg_depthwise_conv_2d_xtensa_s8_scratch_bytes(const mg_depthwise_conv_2d_xtensa_params *p);

#endif /* MG_DEPTHWISE_CONV_2D_XTENSA_S8_H */
