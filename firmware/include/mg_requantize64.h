/* TFLM's MultiplyByQuantizedMultiplier for an int64 accumulator (16x8 convolutions): the Q0.31
 * multiplier reduced to 16 bits, one rounding right shift by 15 - shift. */
#ifndef MG_REQUANTIZE64_H
#define MG_REQUANTIZE64_H

#include "mg_types.h"

static inline int32_t mg_requantize_s64(int64_t x, int32_t multiplier, int32_t shift)
{
    const int64_t reduced = multiplier < 0x7FFF0000 ? (multiplier + (1 << 15)) >> 16 : 0x7FFF;
    const int32_t total_shift = 15 - shift;
    return (int32_t)((x * reduced + ((int64_t)1 << (total_shift - 1))) >> total_shift);
}

#endif /* MG_REQUANTIZE64_H */
