#include "add_xtensa_s8.h"

/* Element i is written after both inputs' elements i were read: `out` may be either input. */
mg_status mg_add_xtensa_s8(const mg_add_xtensa_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    int32_t i, offset, lo, hi;
    if (p == NULL || in1 == NULL || in2 == NULL || out == NULL || p->input1_table == NULL
        || p->input2_table == NULL) {
        return MG_ERR_ARG;
    }
    offset = p->out.offset;
    lo = p->out.lo;
    hi = p->out.hi;
    for (i = 0; i < p->size; ++i) {
        const uint32_t sum = (uint32_t)p->input1_table[(uint8_t)in1[i]] + (uint32_t)p->input2_table[(uint8_t)in2[i]];
        out[i] = mg_xt_output((int32_t)sum, p->output_multiplier, (uint32_t)p->right_shift, offset, lo, hi);
    }
    return MG_OK;
}
