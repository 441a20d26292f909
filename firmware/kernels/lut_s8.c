#include "lut_s8.h"

mg_status mg_lut_s8(const mg_lut_params *p, const int8_t *in, int8_t *out)
{
    int32_t i;
    if (p == NULL || p->table == NULL || in == NULL || out == NULL || p->size < 0) {
        return MG_ERR_ARG;
    }
    for (i = 0; i < p->size; ++i) {
        out[i] = p->table[(int32_t)in[i] + 128];
    }
    return MG_OK;
}
