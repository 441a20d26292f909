#include "tanh_s16.h"

mg_status mg_tanh_s16(const mg_tanh_s16_params *p, const int16_t *in, int16_t *out)
{
    int32_t multiplier, shift, i;
    if (p == NULL || in == NULL || out == NULL || p->table == NULL || p->input_left_shift < 0) {
        return MG_ERR_ARG;
    }
    mg_sigmoid16_rescale_params(p, &multiplier, &shift);
    for (i = 0; i < p->size; ++i) {
        const int32_t x = mg_sigmoid16_rescale(p, in[i], multiplier, shift);
        const uint32_t ax = (uint32_t)(x < 0 ? -x : x);
        const uint32_t uh = ax >> 8; /* tanh(x) = 2 sigmoid(2x) - 1: twice the table resolution */
        int32_t result;
        if (uh >= 255u) {
            result = 0xFFFF << 8;
        } else {
            const uint32_t ua = p->table[uh], ub = p->table[uh + 1u];
            result = (int32_t)((ua << 8) + (ax & 0xFFu) * (ub - ua));
        }
        result = x >= 0 ? result - (1 << (14 + 9)) + (1 << (9 - 2))
                        : -result + (1 << (14 + 9)) + (1 << (9 - 2)) - 1;
        out[i] = (int16_t)(result >> (9 - 1)); /* arithmetic shift, as TFLM's int32 */
    }
    return MG_OK;
}
