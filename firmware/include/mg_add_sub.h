/* What ADD and SUB share (TFLM's add/sub reference arithmetic for int8): the params struct, and
 * the element function, in which both inputs get their offset, a left shift (left_shift, 20 for
 * int8) and a rescaling to the common scale (twice the larger input scale), are added or
 * subtracted, and the result is requantized to the output and clamped. The kernels differ only
 * in the sign. Output element i is written after both inputs' elements for i were read, so `out`
 * may be the same buffer as a same-shape input. */
#ifndef MG_ADD_SUB_H
#define MG_ADD_SUB_H

#include "mg_broadcast.h"

typedef struct {
    MG_BROADCAST_BINARY_FIELDS
    int32_t left_shift; /* 0..20 */
    int32_t input1_multiplier, input1_shift;
    int32_t input2_multiplier, input2_shift;
    int32_t output_multiplier, output_shift;
    int32_t act_min, act_max;
} mg_add_sub_params;

/* An input value in the common domain. */
static inline int32_t mg_add_sub_rescale(int32_t x, int32_t offset, int32_t left_shift, int32_t multiplier,
                                         int32_t shift)
{
    return mg_requantize((x + offset) * ((int32_t)1 << left_shift), multiplier, shift);
}

/* in1 + in2 (sign 1) or in1 - in2 (sign -1) for one element; `sign` is the kernel's constant. */
static inline int8_t mg_add_sub_one(const mg_add_sub_params *p, int32_t x, int32_t y, int sign)
{
    const int32_t a = mg_add_sub_rescale(x, p->input1_offset, p->left_shift, p->input1_multiplier, p->input1_shift);
    const int32_t b = mg_add_sub_rescale(y, p->input2_offset, p->left_shift, p->input2_multiplier, p->input2_shift);
    const int32_t v = mg_requantize(sign > 0 ? a + b : a - b, p->output_multiplier, p->output_shift);
    return (int8_t)mg_clamp_i32(v + p->output_offset, p->act_min, p->act_max);
}

static inline int8_t mg_add_one(const mg_add_sub_params *p, int32_t x, int32_t y)
{
    return mg_add_sub_one(p, x, y, 1);
}

static inline int8_t mg_sub_one(const mg_add_sub_params *p, int32_t x, int32_t y)
{
    return mg_add_sub_one(p, x, y, -1);
}

/* The kernel: out = in1 + in2 (sign 1) or in1 - in2 (sign -1), broadcast per the strides. */
static inline mg_status mg_add_sub_s8(const mg_add_sub_params *p, const int8_t *in1, const int8_t *in2, int8_t *out,
                                      int sign)
{
    if (p == NULL || in1 == NULL || in2 == NULL || out == NULL || !mg_broadcast_rank_ok(p->rank)
        || p->left_shift < 0 || p->left_shift > 20) {
        return MG_ERR_ARG;
    }
    if (sign > 0) {
        MG_BROADCAST_APPLY(mg_add_one, p, in1, in2, out);
    } else {
        MG_BROADCAST_APPLY(mg_sub_one, p, in1, in2, out);
    }
    return MG_OK;
}

#endif /* MG_ADD_SUB_H */
