#include "copy_s16.h"

mg_status mg_copy_s16(const mg_copy_s16_params *p, const int16_t *in, int16_t *out)
{
    int32_t i, n;
    if (p == NULL || in == NULL || out == NULL || p->bytes < 0 || p->bytes % 2 != 0) {
        return MG_ERR_ARG;
    }
    n = p->bytes / 2;
    if (out < in) {
        for (i = 0; i < n; ++i) {
            out[i] = in[i];
        }
    } else if (out > in) {
        for (i = n; i > 0; --i) {
            out[i - 1] = in[i - 1];
        }
    }
    return MG_OK;
}
