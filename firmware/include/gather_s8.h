/* GATHER, int8 values, int32 positions (TFLM gather.cc): for every batch and outer step, the
 * `inner_size`-element slice at each position along the axis, in position order. The values
 * may be a constant table (an embedding) or an activation. */
#ifndef MG_GATHER_S8_H
#define MG_GATHER_S8_H

#include "mg_types.h"

typedef struct {
    int32_t batch_size;  /* product of the first batch_dims dims */
    int32_t outer_size;  /* product of the dims from batch_dims up to the axis */
    int32_t axis_size;   /* the values' extent along the axis */
    int32_t coord_size;  /* positions per batch */
    int32_t inner_size;  /* product of the dims after the axis */
} mg_gather_params;

/* A position outside [0, axis_size) returns MG_ERR_ARG (TFLM fails the invoke), with the output
 * written up to it. `out` must not overlap `values` or `positions`. */
mg_status mg_gather_s8(const mg_gather_params *p, const int8_t *values, const int32_t *positions,
                       int8_t *out);

#endif /* MG_GATHER_S8_H */
