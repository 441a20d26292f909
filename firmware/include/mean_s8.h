/* MEAN, int8, over any set of axes (TFLM reference arithmetic: int32 sum, zero-point
 * correction, one requantization whose multiplier already holds 1/count). */
#ifndef MG_MEAN_S8_H
#define MG_MEAN_S8_H

#include "mg_reduce.h"

typedef struct {
    MG_REDUCE_WALK_FIELDS;
    int32_t count;                /* elements summed per output */
    int32_t input_zero_point;
    int32_t output_zero_point;
    int32_t multiplier;           /* input/output scale over count, as TFLM folds it */
    int32_t shift;
} mg_mean_params;

/* Output-major: each output sums its whole reduction window first, so no scratch is needed.
 * `out` must not overlap `in`. */
mg_status mg_mean_s8(const mg_mean_params *p, const int8_t *in, int8_t *out);

#endif /* MG_MEAN_S8_H */
