/* What ADD and SUB on int16 activations (16x8 models) share: TFLM's general int16 path, the
 * int8 arithmetic of mg_add_sub.h with a left shift of 15 (tflite-micro never takes the
 * power-of-two-scale shortcut for these models). (65535 << 15) < 2^31, so the sum fits in int32.
 * Output element i is written after both inputs' elements for i were read, so `out` may be the
 * same buffer as a same-shape input. */
#ifndef MG_ADD_SUB_S16_H
#define MG_ADD_SUB_S16_H

#include "mg_add_sub.h"

static inline int16_t mg_add_sub_s16_one(const mg_add_sub_params *p, int32_t x, int32_t y, int sign)
{
    const int32_t a = mg_add_sub_rescale(x, p->input1_offset, p->left_shift, p->input1_multiplier, p->input1_shift);
    const int32_t b = mg_add_sub_rescale(y, p->input2_offset, p->left_shift, p->input2_multiplier, p->input2_shift);
    const int32_t v = mg_requantize(sign > 0 ? a + b : a - b, p->output_multiplier, p->output_shift);
    return (int16_t)mg_clamp_i32(v + p->output_offset, p->act_min, p->act_max);
}

/* The kernel: out = in1 + in2 (sign 1) or in1 - in2 (sign -1), broadcast per the strides. */
static inline mg_status mg_add_sub_s16(const mg_add_sub_params *p, const int16_t *in1, const int16_t *in2,
                                       int16_t *out, int sign)
{
    mg_broadcast_pos pos;
    int32_t inner, s1, s2, j;
    if (p == NULL || in1 == NULL || in2 == NULL || out == NULL || !mg_broadcast_rank_ok(p->rank)
        || p->left_shift != 15) {
        return MG_ERR_ARG;
    }
    inner = p->dims[p->rank - 1];
    s1 = p->stride1[p->rank - 1];
    s2 = p->stride2[p->rank - 1];
    mg_broadcast_start(&pos);
    do {
        for (j = 0; j < inner; ++j) {
            *out++ = mg_add_sub_s16_one(p, in1[pos.off1 + j * s1], in2[pos.off2 + j * s2], sign);
        }
    } while (mg_broadcast_next_row(&pos, p->rank, p->dims, p->stride1, p->stride2));
    return MG_OK;
}

#endif /* MG_ADD_SUB_S16_H */
