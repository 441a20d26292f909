#include "sub_s8.h"

#define MG_SUB_MAX_DIMS 6

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
    int32_t idx[MG_SUB_MAX_DIMS] = {0};
    int32_t off1 = 0, off2 = 0, inner, s1, s2, j, d;
    if (p == NULL || in1 == NULL || in2 == NULL || out == NULL || p->rank < 1
        || p->rank > MG_SUB_MAX_DIMS || p->left_shift < 0 || p->left_shift > 20) {
        return MG_ERR_ARG;
    }
    inner = p->dims[p->rank - 1];
    s1 = p->stride1[p->rank - 1];
    s2 = p->stride2[p->rank - 1];
    for (;;) {
        for (j = 0; j < inner; ++j) {
            *out++ = sub_one(p, in1[off1 + j * s1], in2[off2 + j * s2]);
        }
        /* advance the outer dims like an odometer; done when the outermost wraps */
        for (d = p->rank - 2; d >= 0; --d) {
            off1 += p->stride1[d];
            off2 += p->stride2[d];
            if (++idx[d] < p->dims[d]) {
                break;
            }
            off1 -= p->stride1[d] * p->dims[d];
            off2 -= p->stride2[d] * p->dims[d];
            idx[d] = 0;
        }
        if (d < 0) {
            return MG_OK;
        }
    }
}
