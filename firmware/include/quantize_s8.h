/* QUANTIZE to int8, from float32 (a model's float input) or from int8 (a requantization),
 * with TFLM's reference arithmetic. */
#ifndef MG_QUANTIZE_S8_H
#define MG_QUANTIZE_S8_H

#include "mg_types.h"

typedef struct {
    int32_t size;            /* elements */
    int32_t from_float;      /* 1: `in` is float32, 0: `in` is int8 */
    int32_t zero_point;      /* output zero point */
    const float *scale;      /* [1] output scale (float input only) */
    int32_t input_zero_point;/* int8 input only */
    int32_t multiplier;      /* input scale / output scale (int8 input only) */
    int32_t shift;
} mg_quantize_params;

/* float: out = clamp(round_half_away(in / scale) + zero_point); NaN maps to zero_point.
 * int8:  out = clamp(requantize(in - input_zero_point) + zero_point).
 * Reads element i before writing it, so out may equal in for an int8 input. */
mg_status mg_quantize_s8(const mg_quantize_params *p, const void *in, int8_t *out);

#endif /* MG_QUANTIZE_S8_H */
