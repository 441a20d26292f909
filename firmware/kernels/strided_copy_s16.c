#include <stdarg.h>

#include "strided_copy_s16.h"

#define MG_STRIDED_COPY_S16_MAX_DIMS 6

/* One output: an odometer over the outer dims, a strided run over the innermost one. */
static void mg_strided_copy_s16_one(int32_t rank, const int32_t *dims, const int32_t *strides,
                                const int16_t *src, int16_t *out)
{
    int32_t idx[MG_STRIDED_COPY_S16_MAX_DIMS] = {0};
    const int32_t row = dims[rank - 1];
    const int32_t step = strides[rank - 1];
    int32_t d, i;
    for (d = 0; d < rank; ++d) {
        if (dims[d] <= 0) {
            return;
        }
    }
    for (;;) {
        const int16_t *s = src;
        for (i = 0; i < row; ++i) {
            *out++ = *s;
            s += step;
        }
        for (d = rank - 2; d >= 0; --d) {
            src += strides[d];
            if (++idx[d] < dims[d]) {
                break;
            }
            src -= strides[d] * dims[d];
            idx[d] = 0;
        }
        if (d < 0) {
            return;
        }
    }
}

mg_status mg_strided_copy_s16(const mg_strided_copy_s16_params *p, const int16_t *in, ...)
{
    int32_t k;
    va_list args;
    if (p == NULL || in == NULL || p->num_outputs < 1 || p->rank < 1
        || p->rank > MG_STRIDED_COPY_S16_MAX_DIMS || p->dims == NULL || p->strides == NULL
        || p->starts == NULL) {
        return MG_ERR_ARG;
    }
    va_start(args, in);
    for (k = 0; k < p->num_outputs; ++k) {
        int16_t *out = va_arg(args, int16_t *);
        if (out == NULL) {
            va_end(args);
            return MG_ERR_ARG;
        }
        mg_strided_copy_s16_one(p->rank, p->dims + k * p->rank, p->strides + k * p->rank,
                            in + p->starts[k], out);
    }
    va_end(args);
    return MG_OK;
}
