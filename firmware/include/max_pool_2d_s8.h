/* MAX_POOL_2D, int8 NHWC: largest window tap inside the image, clamped to the fused activation range
 * (TFLM reference arithmetic). Streams output rows through p->scratch. */
#ifndef MG_MAX_POOL_2D_S8_H
#define MG_MAX_POOL_2D_S8_H

#include "mg_types.h"

typedef struct {
    int32_t batches;
    int32_t in_h, in_w, channels;
    int32_t out_h, out_w;
    int32_t filter_h, filter_w;
    int32_t stride_h, stride_w;
    int32_t pad_top, pad_left;
    int32_t act_min, act_max;
    int8_t *scratch; /* out_w * channels bytes: one output row */
} mg_max_pool_2d_params;

mg_status mg_max_pool_2d_s8(const mg_max_pool_2d_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold for these params: one output row (out_w * channels)
 * (-1 when p is NULL). The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_max_pool_2d_s8_scratch_bytes(const mg_max_pool_2d_params *p);

#endif /* MG_MAX_POOL_2D_S8_H */
