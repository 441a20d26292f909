/* RESIZE_BILINEAR, int8, as TFLM's ResizeBilinearInteger: four input pixels weighted in 1/1024
 * steps per axis, summed, rounded half away from zero by 2^20. The taps (indices and fractions,
 * with TFLM's half-pixel and align-corners rules) are computed in Python. */
#ifndef MG_RESIZE_BILINEAR_S8_H
#define MG_RESIZE_BILINEAR_S8_H

#include "mg_resize.h"

typedef struct {
    MG_RESIZE_GEOMETRY_FIELDS;
    const int32_t *y0, *y1, *fy; /* [out_h] lower/upper input row, upper row's weight in 1/1024 */
    const int32_t *x0, *x1, *fx; /* [out_w] the same for columns */
} mg_resize_bilinear_params;

/* `out` must not overlap `in`. */
mg_status mg_resize_bilinear_s8(const mg_resize_bilinear_params *p, const int8_t *in, int8_t *out);

#endif /* MG_RESIZE_BILINEAR_S8_H */
