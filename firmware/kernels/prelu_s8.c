#include "prelu_s8.h"

static int8_t prelu_one(const mg_prelu_params *p, int32_t x, int32_t alpha)
{
    const int32_t v = x + p->input1_offset;
    int32_t raw;
    if (v >= 0) {
        raw = mg_requantize(v, p->multiplier_1, p->shift_1);
    } else {
        raw = mg_requantize(v * (alpha + p->input2_offset), p->multiplier_2, p->shift_2);
    }
    return (int8_t)mg_clamp_i32(raw + p->output_offset, p->act_min, p->act_max);
}

mg_status mg_prelu_s8(const mg_prelu_params *p, const int8_t *in, const int8_t *alpha, int8_t *out)
{
    if (p == NULL || in == NULL || alpha == NULL || out == NULL || !mg_broadcast_rank_ok(p->rank)) {
        return MG_ERR_ARG;
    }
    MG_BROADCAST_APPLY(prelu_one, p, in, alpha, out);
    return MG_OK;
}
