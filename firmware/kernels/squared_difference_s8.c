#include "squared_difference_s8.h"

static int8_t squared_difference_one(const mg_squared_difference_params *p, int32_t a, int32_t b)
{
    const int32_t a1 = (a + p->input1_offset) * (1 << p->left_shift);
    const int32_t b1 = (b + p->input2_offset) * (1 << p->left_shift);
    const int32_t diff = mg_requantize(a1, p->input1_multiplier, p->input1_shift)
                         - mg_requantize(b1, p->input2_multiplier, p->input2_shift);
    const int32_t raw = mg_requantize(diff * diff, p->output_multiplier, p->output_shift)
                        + p->output_offset;
    return (int8_t)mg_clamp_i32(raw, p->act_min, p->act_max);
}

mg_status mg_squared_difference_s8(const mg_squared_difference_params *p, const int8_t *in1,
                                   const int8_t *in2, int8_t *out)
{
    if (p == NULL || in1 == NULL || in2 == NULL || out == NULL || !mg_broadcast_rank_ok(p->rank)
        || p->left_shift < 0 || p->left_shift > 7) {
        return MG_ERR_ARG;
    }
    MG_BROADCAST_APPLY(squared_difference_one, p, in1, in2, out);
    return MG_OK;
}
