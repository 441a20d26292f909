#include <stdarg.h>

#include "concatenation_s16.h"

#define MG_CONCATENATION_S16_MAX_INPUTS 10

mg_status mg_concatenation_s16(const mg_concatenation_s16_params *p, ...)
{
    const int16_t *inputs[MG_CONCATENATION_S16_MAX_INPUTS];
    int16_t *out;
    int32_t k, o, i;
    va_list args;
    if (p == NULL || p->num_inputs < 1 || p->num_inputs > MG_CONCATENATION_S16_MAX_INPUTS
        || p->chunk_elements == NULL) {
        return MG_ERR_ARG;
    }
    va_start(args, p);
    for (k = 0; k < p->num_inputs; ++k) {
        inputs[k] = va_arg(args, const int16_t *);
    }
    out = va_arg(args, int16_t *);
    va_end(args);
    for (k = 0; k < p->num_inputs; ++k) {
        if (inputs[k] == NULL) {
            return MG_ERR_ARG;
        }
    }
    if (out == NULL) {
        return MG_ERR_ARG;
    }
    for (o = 0; o < p->outer; ++o) {
        for (k = 0; k < p->num_inputs; ++k) {
            const int32_t n = p->chunk_elements[k];
            const int16_t *src = inputs[k] + (size_t)o * (size_t)n;
            for (i = 0; i < n; ++i) {
                *out++ = src[i];
            }
        }
    }
    return MG_OK;
}
