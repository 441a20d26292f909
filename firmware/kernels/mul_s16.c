#include "mul_s16.h"

mg_status mg_mul_s16(const mg_mul_s16_params *p, const int16_t *in1, const int16_t *in2, int16_t *out)
{
    mg_broadcast_pos pos;
    int32_t inner, s1, s2, j;
    if (p == NULL || in1 == NULL || in2 == NULL || out == NULL || !mg_broadcast_rank_ok(p->rank)) {
        return MG_ERR_ARG;
    }
    inner = p->dims[p->rank - 1];
    s1 = p->stride1[p->rank - 1];
    s2 = p->stride2[p->rank - 1];
    mg_broadcast_start(&pos);
    do {
        for (j = 0; j < inner; ++j) {
            /* |a * b| <= 2^30 with zero points 0: the product fits int32 */
            const int32_t a = (int32_t)in1[pos.off1 + j * s1] + p->input1_offset;
            const int32_t b = (int32_t)in2[pos.off2 + j * s2] + p->input2_offset;
            const int32_t v = mg_requantize(a * b, p->output_multiplier, p->output_shift) + p->output_offset;
            *out++ = (int16_t)mg_clamp_i32(v, p->act_min, p->act_max);
        }
    } while (mg_broadcast_next_row(&pos, p->rank, p->dims, p->stride1, p->stride2));
    return MG_OK;
}
