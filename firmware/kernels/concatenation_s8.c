#include <stdarg.h>

#include "concatenation_s8.h"

/* Input k's chunks go to out + o * row + offset_k for each outer step o, row being the sum of
 * all chunks: the inputs are read one after another straight from the argument list, so their
 * number has no limit of its own (PACK may stack any number; CONCATENATION's 10 is checked at
 * generate time, as TFLM's). */
mg_status mg_concatenation_s8(const mg_concatenation_params *p, ...)
{
    int8_t *out;
    int32_t k, o, i, row = 0, offset = 0;
    va_list args, inputs;
    if (p == NULL || p->num_inputs < 1 || p->chunk_bytes == NULL) {
        return MG_ERR_ARG;
    }
    for (k = 0; k < p->num_inputs; ++k) {
        row += p->chunk_bytes[k];
    }
    va_start(args, p);
    va_copy(inputs, args);
    for (k = 0; k < p->num_inputs; ++k) {
        if (va_arg(args, const int8_t *) == NULL) {
            va_end(inputs);
            va_end(args);
            return MG_ERR_ARG;
        }
    }
    out = va_arg(args, int8_t *);
    va_end(args);
    if (out == NULL) {
        va_end(inputs);
        return MG_ERR_ARG;
    }
    for (k = 0; k < p->num_inputs; ++k) {
        const int8_t *src = va_arg(inputs, const int8_t *);
        const int32_t n = p->chunk_bytes[k];
        for (o = 0; o < p->outer; ++o) {
            int8_t *dst = out + (size_t)o * (size_t)row + offset;
            for (i = 0; i < n; ++i) {
                dst[i] = *src++;
            }
        }
        offset += n;
    }
    va_end(inputs);
    return MG_OK;
}
