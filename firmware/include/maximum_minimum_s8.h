/* MAXIMUM and MINIMUM, int8, with TFLite broadcasting. TFLM (maximum_minimum.cc) compares the
 * raw int8 values and ignores the quantization (the converter gives inputs and output one
 * scale), so this kernel does too: the offsets of the walk fields are unused. */
#ifndef MG_MAXIMUM_MINIMUM_S8_H
#define MG_MAXIMUM_MINIMUM_S8_H

#include "mg_broadcast.h"

typedef struct {
    MG_BROADCAST_BINARY_FIELDS
    int32_t is_max; /* 1: MAXIMUM, 0: MINIMUM */
    int32_t act_min;
    int32_t act_max;
} mg_maximum_minimum_params;

/* out = max(in1, in2) (or min), broadcast per the strides. Output element i is written after
 * both inputs' elements for i were read, so `out` may be the same buffer as a same-shape input. */
mg_status mg_maximum_minimum_s8(const mg_maximum_minimum_params *p, const int8_t *in1,
                                const int8_t *in2, int8_t *out);

#endif /* MG_MAXIMUM_MINIMUM_S8_H */
