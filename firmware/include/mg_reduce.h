/* The walk the reduction kernels (MEAN, SUM, REDUCE_MAX, REDUCE_MIN) share: the output in
 * row-major order over the kept dims, and for each output its window over the reduced dims,
 * both as (dims, input strides) computed in Python. */
#ifndef MG_REDUCE_H
#define MG_REDUCE_H

#include "mg_types.h"

#define MG_REDUCE_MAX_DIMS 6

#define MG_REDUCE_WALK_FIELDS                                                          \
    int32_t outputs;              /* output elements */                                \
    int32_t kept_rank;            /* 1..6: dims that survive, outermost first */       \
    const int32_t *kept_dims;     /* [kept_rank] */                                    \
    const int32_t *kept_strides;  /* [kept_rank] input element strides */              \
    int32_t reduced_rank;         /* 1..6: dims reduced over */                        \
    const int32_t *reduced_dims;  /* [reduced_rank] */                                 \
    const int32_t *reduced_strides

/* The walk's fields are sane: both ranks in 1..MG_REDUCE_MAX_DIMS. */
#define MG_REDUCE_WALK_OK(p)                                                           \
    ((p)->kept_rank >= 1 && (p)->reduced_rank >= 1 && (p)->kept_rank <= MG_REDUCE_MAX_DIMS \
     && (p)->reduced_rank <= MG_REDUCE_MAX_DIMS)

/* Step a row-major multi-index; returns 0 after the last position. `*offset` follows it. */
static inline int mg_reduce_next(int32_t rank, const int32_t *dims, const int32_t *strides, int32_t *idx,
                                 int32_t *offset)
{
    int32_t d;
    for (d = rank - 1; d >= 0; --d) {
        *offset += strides[d];
        if (++idx[d] < dims[d]) {
            return 1;
        }
        *offset -= strides[d] * dims[d];
        idx[d] = 0;
    }
    return 0;
}

#endif /* MG_REDUCE_H */
