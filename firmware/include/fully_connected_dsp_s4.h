/* FULLY_CONNECTED with packed int4 weights (per tensor, symmetric: what tflite-micro takes) for
 * Cortex-M cores with the DSP extension (M4, M7, M33, M55), bit-exact with TFLM's reference kernel
 * (which unpacks int4 to int8).
 *
 * fully_connected_dsp_s8's walk (the input row widened once, two channels per walk) over weights
 * kept half size in flash: per channel pair and per 8 taps one word of each channel, eight taps
 * offset by 8 (mg_dsp_s4.h), laid out at generate time (mcugen/ops/int4_dsp.py); the row's sum,
 * taken while it is widened, undoes the offset. Same params as fully_connected_dsp_s8 (filter:
 * [(output_depth + 1) / 2][col_len / 8][2 channels] words). `out` must not overlap `in`. */
#ifndef MG_FULLY_CONNECTED_DSP_S4_H
#define MG_FULLY_CONNECTED_DSP_S4_H

#include "fully_connected_dsp_s8.h"

typedef mg_fully_connected_dsp_params mg_fully_connected_dsp_s4_params;

mg_status mg_fully_connected_dsp_s4(const mg_fully_connected_dsp_s4_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold: the input row widened to int16 (2 * col_len) (-1 when p is NULL).
 * The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_fully_connected_dsp_s4_scratch_bytes(const mg_fully_connected_dsp_s4_params *p);

#endif /* MG_FULLY_CONNECTED_DSP_S4_H */
