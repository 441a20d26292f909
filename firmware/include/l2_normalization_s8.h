/* L2_NORMALIZATION, int8, TFLM reference arithmetic: out = (in - zp) / ||row||, at scale 1/128
 * (zero point 0), per innermost row of `depth` elements. */
#ifndef MG_L2_NORMALIZATION_S8_H
#define MG_L2_NORMALIZATION_S8_H

#include "mg_types.h"

typedef struct {
    int32_t outer;              /* rows */
    int32_t depth;              /* elements per row (the innermost dimension) */
    int32_t input_zero_point;
} mg_l2_normalization_params;

/* Each row is read whole before it is written, so `out` may be `in`. */
mg_status mg_l2_normalization_s8(const mg_l2_normalization_params *p, const int8_t *in, int8_t *out);

#endif /* MG_L2_NORMALIZATION_S8_H */
