/* FULLY_CONNECTED, int8 activations, int4 weights kept packed (TFLite INT4: two per byte, low
 * nibble first, element i of the row-major [output_depth][accum_depth] filter in byte i / 2),
 * int32 bias. The arithmetic is fully_connected_s8's (TFLM unpacks int4 to int8 and runs the
 * int8 reference). `out` must not overlap `in`. */
#ifndef MG_FULLY_CONNECTED_S4_H
#define MG_FULLY_CONNECTED_S4_H

#include "mg_types.h"

typedef struct {
    int32_t batches;       /* output elements / output_depth */
    int32_t accum_depth;   /* filter columns */
    int32_t output_depth;  /* filter rows */
    int32_t input_offset;  /* -input zero point */
    int32_t filter_offset; /* -filter zero point (0 when per-channel) */
    int32_t output_offset; /* output zero point */
    int32_t act_min;
    int32_t act_max;
    int32_t per_channel;   /* 1: multiplier/shift hold output_depth entries, 0: one entry */
    const uint8_t *filter; /* packed int4, (output_depth * accum_depth + 1) / 2 bytes */
    const int32_t *bias;   /* [output_depth] or NULL */
    const int32_t *multiplier;
    const int8_t *shift;   /* -31..30 */
} mg_fully_connected_s4_params;

mg_status mg_fully_connected_s4(const mg_fully_connected_s4_params *p, const int8_t *in, int8_t *out);

#endif /* MG_FULLY_CONNECTED_S4_H */
