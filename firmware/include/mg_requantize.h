/* QUANTIZE between integer types (int8, int16, int32 in and out: the requantizations 16x8 and
 * mixed-precision models carry), tflite-micro's Requantize: (x - input zero point) scaled by one
 * fixed-point multiplier (input scale / output scale), plus the output zero point, saturated to
 * the output type. One params struct; one kernel per output type. */
#ifndef MG_REQUANTIZE_H
#define MG_REQUANTIZE_H

#include "mg_types.h"

typedef struct {
    int32_t size;              /* elements */
    int32_t input_bytes;       /* 1, 2 or 4: int8, int16 or int32 input */
    int32_t input_zero_point;
    int32_t output_zero_point;
    int32_t multiplier;        /* input scale / output scale */
    int32_t shift;
} mg_requantize_params;

typedef mg_requantize_params mg_requantize_s8_params;
typedef mg_requantize_params mg_quantize_s16_params;
typedef mg_requantize_params mg_quantize_s32_params;

/* Element i of the input, whatever its integer type, minus the zero point as TFLM's int32. */
static inline int32_t mg_requantize_input(const mg_requantize_params *p, const void *in, int32_t i)
{
    int64_t x;
    if (p->input_bytes == 1) {
        x = ((const int8_t *)in)[i];
    } else if (p->input_bytes == 2) {
        x = ((const int16_t *)in)[i];
    } else {
        x = ((const int32_t *)in)[i];
    }
    return mg_wrap_i32(x - p->input_zero_point);
}

/* The requantized value of element i, before saturation to the output type (TFLM's int32 sum). */
static inline int32_t mg_requantize_one(const mg_requantize_params *p, const void *in, int32_t i)
{
    return mg_wrap_i32((int64_t)mg_requantize(mg_requantize_input(p, in, i), p->multiplier, p->shift)
                       + p->output_zero_point);
}

static inline int mg_requantize_ok(const mg_requantize_params *p, const void *in, const void *out)
{
    return p != NULL && in != NULL && out != NULL && p->size >= 0
           && (p->input_bytes == 1 || p->input_bytes == 2 || p->input_bytes == 4);
}

/* int16 or int32 in, int8 out. Reads element i before writing it. */
mg_status mg_requantize_s8(const mg_requantize_s8_params *p, const void *in, int8_t *out);
/* int8, int16 or int32 in, int16 out. */
mg_status mg_quantize_s16(const mg_quantize_s16_params *p, const void *in, int16_t *out);
/* int8 or int16 in, int32 out. */
mg_status mg_quantize_s32(const mg_quantize_s32_params *p, const void *in, int32_t *out);

#endif /* MG_REQUANTIZE_H */
