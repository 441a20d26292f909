#include "mul_s8.h"

static int8_t mul_one(const mg_mul_params *p, int32_t a, int32_t b)
{
    const int32_t product = (a + p->input1_offset) * (b + p->input2_offset);
    const int32_t raw = mg_requantize(product, p->output_multiplier, p->output_shift)
                        + p->output_offset;
    return (int8_t)mg_clamp_i32(raw, p->act_min, p->act_max);
}

mg_status mg_mul_s8(const mg_mul_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    if (p == NULL || in1 == NULL || in2 == NULL || out == NULL || !mg_broadcast_rank_ok(p->rank)) {
        return MG_ERR_ARG;
    }
    MG_BROADCAST_APPLY(mul_one, p, in1, in2, out);
    return MG_OK;
}
