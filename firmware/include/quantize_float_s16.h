/* QUANTIZE float32 to int16 (a 16x8 model's float input), TFLM's AffineQuantize
 * (mg_quantize_float.h). */
#ifndef MG_QUANTIZE_FLOAT_S16_H
#define MG_QUANTIZE_FLOAT_S16_H

#include "mg_types.h"

typedef struct {
    int32_t size;        /* elements */
    int32_t zero_point;  /* output zero point */
    const float *scale;  /* [1] output scale */
} mg_quantize_float_s16_params;

/* out = clamp(round_half_away(in / scale) + zero_point, -32768, 32767); NaN maps to zero_point,
 * +-inf and values beyond the int32 range saturate. `out` must not overlap `in`. */
mg_status mg_quantize_float_s16(const mg_quantize_float_s16_params *p, const float *in, int16_t *out);

#endif /* MG_QUANTIZE_FLOAT_S16_H */
