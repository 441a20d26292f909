#include "copy_s8.h"

mg_status mg_copy_s8(const mg_copy_params *p, const int8_t *in, int8_t *out)
{
    int32_t i;
    if (p == NULL || in == NULL || out == NULL || p->bytes < 0) {
        return MG_ERR_ARG;
    }
    if (out < in) {
        for (i = 0; i < p->bytes; ++i) {
            out[i] = in[i];
        }
    } else if (out > in) {
        for (i = p->bytes; i > 0; --i) {
            out[i - 1] = in[i - 1];
        }
    }
    return MG_OK;
}
