#include "add_mve_s8.h"

#include "mg_mve.h"

static inline int32x4_t step(int32x4_t v, mg_add_mve_step s)
{
    return mg_mve_requantize_right(v, s.multiplier, s.shift, vdupq_n_s32(s.shift));
}

/* The sum of four lanes of both inputs, requantized and clamped. Reads every parameter from
 * `c`, a copy on the stack: the int8 stores could alias *p, which would make GCC reload it. */
static inline __attribute__((always_inline)) int32x4_t four(const mg_add_mve_params *c, int32x4_t x, int32x4_t y)
{
    const int32x4_t a = step(vmlaq_n_s32(vdupq_n_s32(c->input1_base), x, c->left_scale), c->input1);
    const int32x4_t b = step(vmlaq_n_s32(vdupq_n_s32(c->input2_base), y, c->left_scale), c->input2);
    const int32x4_t sum = step(vaddq_s32(a, b), c->output);
    return mg_mve_output(sum, c->output_offset, vdupq_n_s32(c->act_min), vdupq_n_s32(c->act_max));
}

mg_status mg_add_mve_s8(const mg_add_mve_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    mg_add_mve_params c;
    int32_t i;
    if (p == NULL || in1 == NULL || in2 == NULL || out == NULL || p->input1.shift > 0 || p->input2.shift > 0
        || p->output.shift > 0) {
        return MG_ERR_ARG;
    }
    c = *p;
    for (i = 0; i + 4 <= c.size; i += 4) {
        vstrbq_s32(out + i, four(&c, vldrbq_s32(in1 + i), vldrbq_s32(in2 + i)));
    }
    if (i < c.size) {
        const mve_pred16_t lanes = vctp32q((uint32_t)(c.size - i));
        vstrbq_p_s32(out + i, four(&c, vldrbq_z_s32(in1 + i, lanes), vldrbq_z_s32(in2 + i, lanes)), lanes);
    }
    return MG_OK;
}
