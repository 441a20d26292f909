#include "leaky_relu_s16.h"

mg_status mg_leaky_relu_s16(const mg_leaky_relu_s16_params *p, const int16_t *in, int16_t *out)
{
    int32_t i;
    if (p == NULL || in == NULL || out == NULL || p->size < 0) {
        return MG_ERR_ARG;
    }
    for (i = 0; i < p->size; ++i) {
        const int32_t x = (int32_t)in[i] - p->input_zero_point;
        int32_t y;
        if (x >= 0) {
            y = mg_requantize(x, p->identity_multiplier, p->identity_shift);
        } else {
            y = mg_requantize(x, p->alpha_multiplier, p->alpha_shift);
            y = p->alpha_negative ? -y : y;
        }
        out[i] = (int16_t)mg_clamp_i32(p->output_zero_point + y, INT16_MIN, INT16_MAX);
    }
    return MG_OK;
}
