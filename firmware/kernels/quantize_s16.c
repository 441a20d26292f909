#include "quantize_s16.h"

mg_status mg_quantize_s16(const mg_quantize_s16_params *p, const void *in, int16_t *out)
{
    int32_t i;
    if (!mg_requantize_ok(p, in, out)) {
        return MG_ERR_ARG;
    }
    for (i = 0; i < p->size; ++i) {
        out[i] = (int16_t)mg_clamp_i32(mg_requantize_one(p, in, i), -32768, 32767);
    }
    return MG_OK;
}
