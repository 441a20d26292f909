/* RESIZE_NEAREST_NEIGHBOR, int8: each output pixel copies one input pixel; which one (TFLM's
 * float32 GetNearestNeighbor for align_corners / half_pixel_centers) is computed in Python. */
#ifndef MG_RESIZE_NEAREST_NEIGHBOR_S8_H
#define MG_RESIZE_NEAREST_NEIGHBOR_S8_H

#include "mg_resize.h"

typedef struct {
    MG_RESIZE_GEOMETRY_FIELDS;
    const int32_t *rows; /* [out_h] input row of each output row */
    const int32_t *cols; /* [out_w] input column of each output column */
} mg_resize_nearest_neighbor_params;

/* `out` must not overlap `in`. */
mg_status mg_resize_nearest_neighbor_s8(const mg_resize_nearest_neighbor_params *p, const int8_t *in,
                                        int8_t *out);

#endif /* MG_RESIZE_NEAREST_NEIGHBOR_S8_H */
