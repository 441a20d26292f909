/* The geometry both RESIZE kernels take: NHWC in and out, same batches and depth. */
#ifndef MG_RESIZE_H
#define MG_RESIZE_H

#include "mg_types.h"

#define MG_RESIZE_GEOMETRY_FIELDS                                                  \
    int32_t batches;                                                               \
    int32_t in_h, in_w;   /* input height and width */                             \
    int32_t out_h, out_w; /* output height and width */                            \
    int32_t depth         /* channels, the same in and out */

#endif /* MG_RESIZE_H */
