/* Strided copy, int8: the one kernel of the data-movement ops that only rearrange bytes
 * (TRANSPOSE, SLICE, STRIDED_SLICE, SPLIT, SPLIT_V, UNPACK, DEPTH_TO_SPACE, SPACE_TO_DEPTH,
 * BROADCAST_TO). Each output is written contiguously, row-major over its `rank` dims; the input
 * element it reads is a start plus a stride per dim, all computed in Python (mcugen/ops/strided.py).
 * Values are copied as they are: TFLM does not requantize these ops either. */
#ifndef MG_STRIDED_COPY_S8_H
#define MG_STRIDED_COPY_S8_H

#include "mg_types.h"

typedef struct {
    int32_t num_outputs;     /* >= 1 output pointers follow the input */
    int32_t rank;            /* 1..6 */
    const int32_t *dims;     /* [num_outputs * rank] output k's extents, outermost first */
    const int32_t *strides;  /* [num_outputs * rank] input element step per output dim (any sign; 0 repeats) */
    const int32_t *starts;   /* [num_outputs] input element of output k's first element */
} mg_strided_copy_params;

/* Called as mg_strided_copy_s8(p, const int8_t *in, int8_t *out_0, ..., int8_t *out_{n-1}),
 * n = p->num_outputs. No output may overlap the input or another output. */
mg_status mg_strided_copy_s8(const mg_strided_copy_params *p, const int8_t *in, ...);

#endif /* MG_STRIDED_COPY_S8_H */
