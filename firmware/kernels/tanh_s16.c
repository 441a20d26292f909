#include "tanh_s16.h"

mg_status mg_tanh_s16(const mg_tanh_s16_params *p, const int16_t *in, int16_t *out)
{
    int32_t multiplier, shift, i;
    if (p == NULL || in == NULL || out == NULL || p->table == NULL || p->input_left_shift < 0) {
        return MG_ERR_ARG;
    }
    mg_sigmoid16_rescale_params(p, &multiplier, &shift);
    for (i = 0; i < p->size; ++i) {
        out[i] = mg_sigmoid16_tanh(p->table, mg_sigmoid16_rescale(in[i], multiplier, shift));
    }
    return MG_OK;
}
