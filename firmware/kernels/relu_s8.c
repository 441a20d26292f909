#include "relu_s8.h"

mg_status mg_relu_s8(const mg_relu_params *p, const int8_t *in, int8_t *out)
{
    int32_t i;
    if (p == NULL || in == NULL || out == NULL || p->size < 0) {
        return MG_ERR_ARG;
    }
    if (!p->requantize) {
        for (i = 0; i < p->size; ++i) {
            out[i] = (int8_t)mg_clamp_i32(in[i], p->act_min, p->act_max);
        }
        return MG_OK;
    }
    for (i = 0; i < p->size; ++i) {
        const int32_t v = p->output_offset
                          + mg_requantize((int32_t)in[i] - p->input_offset, p->multiplier, p->shift);
        out[i] = (int8_t)mg_clamp_i32(v, p->act_min, p->act_max);
    }
    return MG_OK;
}
