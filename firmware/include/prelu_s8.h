/* PRELU, int8, the alpha tensor broadcast against the input (TFLM prelu.cc,
 * BroadcastPrelu4DSlow): non-negative offset inputs requantized by input/output scale, negative
 * ones multiplied by the offset alpha and requantized by input * alpha / output scale. */
#ifndef MG_PRELU_S8_H
#define MG_PRELU_S8_H

#include "mg_broadcast.h"

typedef struct {
    MG_BROADCAST_BINARY_FIELDS /* input 1: the input, input 2: alpha */
    int32_t multiplier_1;      /* input >= 0 */
    int32_t shift_1;
    int32_t multiplier_2;      /* input < 0, times alpha */
    int32_t shift_2;
    int32_t act_min;
    int32_t act_max;
} mg_prelu_params;

/* out = in >= 0 ? in : in * alpha, broadcast per the strides. Output element i is written after
 * the input's element for i was read, so `out` may be the same buffer as a same-shape input. */
mg_status mg_prelu_s8(const mg_prelu_params *p, const int8_t *in, const int8_t *alpha, int8_t *out);

#endif /* MG_PRELU_S8_H */
