/* ARG_MAX and ARG_MIN, int8 in, int32 indices out, along one axis (TFLM arg_min_max.cc,
 * reference ArgMinMax: the first index holding the largest (smallest) raw int8 value). */
#ifndef MG_ARG_MAX_MIN_S8_H
#define MG_ARG_MAX_MIN_S8_H

#include "mg_types.h"

typedef struct {
    int32_t outer;     /* product of the dims before the axis */
    int32_t axis_size; /* >= 1 */
    int32_t inner;     /* product of the dims after the axis */
    int32_t is_max;    /* 1: ARG_MAX, 0: ARG_MIN */
} mg_arg_max_min_params;

/* out[o * inner + i] = index along the axis. `out` must not overlap `in`. */
mg_status mg_arg_max_min_s8(const mg_arg_max_min_params *p, const int8_t *in, int32_t *out);

#endif /* MG_ARG_MAX_MIN_S8_H */
