#include "add_s8.h"

#include "mg_broadcast.h"

static int8_t add_one(const mg_add_params *p, int32_t x, int32_t y)
{
    const int32_t a = (x + p->input1_offset) * ((int32_t)1 << p->left_shift);
    const int32_t b = (y + p->input2_offset) * ((int32_t)1 << p->left_shift);
    const int32_t sum = mg_requantize(a, p->input1_multiplier, p->input1_shift)
                        + mg_requantize(b, p->input2_multiplier, p->input2_shift);
    const int32_t v = mg_requantize(sum, p->output_multiplier, p->output_shift) + p->output_offset;
    return (int8_t)mg_clamp_i32(v, p->act_min, p->act_max);
}

mg_status mg_add_s8(const mg_add_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    if (p == NULL || in1 == NULL || in2 == NULL || out == NULL || !mg_broadcast_rank_ok(p->rank)
        || p->left_shift < 0 || p->left_shift > 20) {
        return MG_ERR_ARG;
    }
    MG_BROADCAST_APPLY(add_one, p, in1, in2, out);
    return MG_OK;
}
