#include "sub_s8.h"

#include "mg_broadcast.h"

static int8_t sub_one(const mg_sub_params *p, int32_t a, int32_t b)
{
    const int32_t shifted1 = (a + p->input1_offset) * ((int32_t)1 << p->left_shift);
    const int32_t shifted2 = (b + p->input2_offset) * ((int32_t)1 << p->left_shift);
    const int32_t scaled1 = mg_requantize(shifted1, p->input1_multiplier, p->input1_shift);
    const int32_t scaled2 = mg_requantize(shifted2, p->input2_multiplier, p->input2_shift);
    const int32_t raw = mg_requantize(scaled1 - scaled2, p->output_multiplier, p->output_shift)
                        + p->output_offset;
    return (int8_t)mg_clamp_i32(raw, p->act_min, p->act_max);
}

mg_status mg_sub_s8(const mg_sub_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    if (p == NULL || in1 == NULL || in2 == NULL || out == NULL || !mg_broadcast_rank_ok(p->rank)
        || p->left_shift < 0 || p->left_shift > 20) {
        return MG_ERR_ARG;
    }
    MG_BROADCAST_APPLY(sub_one, p, in1, in2, out);
    return MG_OK;
}
