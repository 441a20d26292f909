/* int16 LOGISTIC and TANH (16x8 models), tflite-micro's arithmetic: the input rescaled to the
 * lookup's fixed point, then linear interpolation in a 256-entry sigmoid table (unsigned 0.16,
 * sigmoid(i / 24)); tanh(x) = 2 sigmoid(2x) - 1 reads the same table at twice the resolution. */
#ifndef MG_SIGMOID16_H
#define MG_SIGMOID16_H

#include "mg_types.h"

typedef struct {
    int32_t size;              /* elements */
    int32_t input_multiplier;  /* 0: power-of-two input scale, multiplier 3 << input_left_shift */
    int32_t input_left_shift;  /* the rescale's right shift (rounded), despite its TFLM name */
    const uint16_t *table;     /* [256] sigmoid(i / 24) in 0.16, from mcugen/ops/sigmoid16.py */
} mg_sigmoid16_params;

typedef mg_sigmoid16_params mg_logistic_s16_params;
typedef mg_sigmoid16_params mg_tanh_s16_params;

/* out = logistic(in) / tanh(in), Q0.15. Element i is written after it was read, so `out` may be
 * `in`. */
mg_status mg_logistic_s16(const mg_logistic_s16_params *p, const int16_t *in, int16_t *out);
mg_status mg_tanh_s16(const mg_tanh_s16_params *p, const int16_t *in, int16_t *out);

/* The rescale's multiplier and shift: a power-of-two input scale (multiplier 0) becomes
 * multiplier 3 << shift with no shift, as TFLM's kernels do. */
static inline void mg_sigmoid16_rescale_params(const mg_sigmoid16_params *p, int32_t *multiplier, int32_t *shift)
{
    *multiplier = p->input_multiplier;
    *shift = p->input_left_shift;
    if (*multiplier == 0) {
        *multiplier = 3 << *shift;
        *shift = 0;
    }
}

/* The input in the lookup's fixed point (TFLM: (x * multiplier + round) >> shift). */
static inline int32_t mg_sigmoid16_rescale(int16_t x, int32_t multiplier, int32_t shift)
{
    const int32_t round = shift > 0 ? (int32_t)1 << (shift - 1) : 0;
    return ((int32_t)x * multiplier + round) >> shift;
}

/* logistic(x) in Q0.15 for x in the lookup's fixed point (mg_sigmoid16_rescale). */
static inline int16_t mg_sigmoid16_logistic(const uint16_t *table, int32_t x)
{
    const uint32_t ax = (uint32_t)(x < 0 ? -x : x);
    const uint32_t uh = ax >> 9; /* 7 bits of input scaling plus the table's 1/4 */
    uint32_t result;
    if (uh >= 255u) {
        result = 0x7FFFu << 10;
    } else {
        const uint32_t ua = table[uh], ub = table[uh + 1u];
        result = (ua << 9) + (ax & 0x1FFu) * (ub - ua); /* unsigned wrap as TFLM's uint32 */
    }
    result = x >= 0 ? result + (1u << 9) : (1u << (16 + 9)) - result + (1u << 9) - 1u;
    return (int16_t)(result >> 10);
}

/* tanh(x) in Q0.15 for x in the lookup's fixed point: 2 sigmoid(2x) - 1, the table read at twice
 * the resolution. */
static inline int16_t mg_sigmoid16_tanh(const uint16_t *table, int32_t x)
{
    const uint32_t ax = (uint32_t)(x < 0 ? -x : x);
    const uint32_t uh = ax >> 8;
    int32_t result;
    if (uh >= 255u) {
        result = 0xFFFF << 8;
    } else {
        const uint32_t ua = table[uh], ub = table[uh + 1u];
        result = (int32_t)((ua << 8) + (ax & 0xFFu) * (ub - ua));
    }
    result = x >= 0 ? result - (1 << (14 + 9)) + (1 << (9 - 2)) : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
    return (int16_t)(result >> (9 - 1)); /* arithmetic shift, as TFLM's int32 */
}

#endif /* MG_SIGMOID16_H */
