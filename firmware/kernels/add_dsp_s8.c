#include "add_dsp_s8.h"

#include "mg_dsp.h"

/* rdbpot(srdhm(v, m), rs) for |v| < 2^30, given 2v: SMMLAR adds the rounding half, the sign of v
 * (that of 2v) decides the half-away-from-zero correction. */
static inline int32_t step(int32_t doubled, mg_add_dsp_step s)
{
    const int32_t v = mg_smmlar(doubled, s.multiplier, s.half)
                      - (int32_t)(((uint32_t)doubled >> 31) & (uint32_t)s.neg_fix);
    return v >> s.right_shift;
}

static void add_all(const mg_add_dsp_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    const mg_add_dsp_step s1 = p->input1, s2 = p->input2, so = p->output;
    const int32_t off1 = p->input1_offset, off2 = p->input2_offset, out_off = p->output_offset;
    const int32_t lo = p->act_min, hi = p->act_max, size = p->size;
    const int ls = (int)p->doubled_left_shift;
    int32_t i;
    for (i = 0; i < size; ++i) {
        /* (x + offset) * 2^left_shift, doubled: |.| < 2^30 for int8 x and left shift <= 21 */
        const int32_t a = (int32_t)((uint32_t)(in1[i] + off1) << ls);
        const int32_t b = (int32_t)((uint32_t)(in2[i] + off2) << ls);
        const int32_t sum = step(a, s1) + step(b, s2);
        out[i] = (int8_t)mg_clamp_i32(step(sum + sum, so) + out_off, lo, hi);
    }
}

mg_status mg_add_dsp_s8(const mg_add_dsp_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    if (p == NULL || in1 == NULL || in2 == NULL || out == NULL || p->doubled_left_shift < 1
        || p->doubled_left_shift > 22) {
        return MG_ERR_ARG;
    }
    add_all(p, in1, in2, out);
    return MG_OK;
}
