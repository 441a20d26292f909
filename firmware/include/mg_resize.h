/* The geometry both RESIZE kernels take: NHWC in and out, same batches and depth. */
#ifndef MG_RESIZE_H
#define MG_RESIZE_H

#include "mg_types.h"

#define MG_RESIZE_GEOMETRY_FIELDS                                                  \
    int32_t batches;                                                               \
    int32_t in_h, in_w;   /* input height and width */                             \
    int32_t out_h, out_w; /* output height and width */                            \
    int32_t depth         /* channels, the same in and out */

/* Input row `row` of batch `b`, for params `p` with MG_RESIZE_GEOMETRY_FIELDS. */
#define MG_RESIZE_ROW(p, in, b, row) ((in) + (((b) * (p)->in_h + (row)) * (p)->in_w) * (p)->depth)

#endif /* MG_RESIZE_H */
