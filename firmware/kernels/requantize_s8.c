#include "requantize_s8.h"

mg_status mg_requantize_s8(const mg_requantize_s8_params *p, const void *in, int8_t *out)
{
    int32_t i;
    if (!mg_requantize_ok(p, in, out)) {
        return MG_ERR_ARG;
    }
    for (i = 0; i < p->size; ++i) {
        out[i] = (int8_t)mg_clamp_i32(mg_requantize_one(p, in, i), -128, 127);
    }
    return MG_OK;
}
