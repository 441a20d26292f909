#include "quantize_s32.h"

mg_status mg_quantize_s32(const mg_quantize_s32_params *p, const void *in, int32_t *out)
{
    int32_t i;
    if (!mg_requantize_ok(p, in, out)) {
        return MG_ERR_ARG;
    }
    for (i = 0; i < p->size; ++i) {
        out[i] = mg_requantize_one(p, in, i);
    }
    return MG_OK;
}
