#include "logistic_s16.h"

mg_status mg_logistic_s16(const mg_logistic_s16_params *p, const int16_t *in, int16_t *out)
{
    int32_t multiplier, shift, i;
    if (p == NULL || in == NULL || out == NULL || p->table == NULL || p->input_left_shift < 0) {
        return MG_ERR_ARG;
    }
    mg_sigmoid16_rescale_params(p, &multiplier, &shift);
    for (i = 0; i < p->size; ++i) {
        const int32_t x = mg_sigmoid16_rescale(p, in[i], multiplier, shift);
        const uint32_t ax = (uint32_t)(x < 0 ? -x : x);
        const uint32_t uh = ax >> 9; /* 7 bits of input scaling plus the table's 1/4 */
        uint32_t result;
        if (uh >= 255u) {
            result = 0x7FFFu << 10;
        } else {
            const uint32_t ua = p->table[uh], ub = p->table[uh + 1u];
            result = (ua << 9) + (ax & 0x1FFu) * (ub - ua); /* unsigned wrap as TFLM's uint32 */
        }
        result = x >= 0 ? result + (1u << 9) : (1u << (16 + 9)) - result + (1u << 9) - 1u;
        out[i] = (int16_t)(result >> 10);
    }
    return MG_OK;
}
