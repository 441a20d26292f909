/* REDUCE_MAX and REDUCE_MIN, int8, over any set of axes (TFLM reduce_common.cc: the raw int8
 * maximum or minimum; TFLM requires the input and output quantization to be equal). */
#ifndef MG_REDUCE_MAX_MIN_S8_H
#define MG_REDUCE_MAX_MIN_S8_H

#include "mg_reduce.h"

typedef struct {
    MG_REDUCE_WALK_FIELDS;
    int32_t is_max;               /* 1: REDUCE_MAX, 0: REDUCE_MIN */
} mg_reduce_max_min_params;

/* Output-major: each output scans its whole reduction window first, so no scratch is needed.
 * `out` must not overlap `in`. */
mg_status mg_reduce_max_min_s8(const mg_reduce_max_min_params *p, const int8_t *in, int8_t *out);

#endif /* MG_REDUCE_MAX_MIN_S8_H */
