#include "reduce_max_min_s8.h"

#define MG_REDUCE_MAX_DIMS 6

/* Step a row-major multi-index; returns 0 after the last position. `*offset` follows it. */
static int reduce_next(int32_t rank, const int32_t *dims, const int32_t *strides, int32_t *idx,
                       int32_t *offset)
{
    int32_t d;
    for (d = rank - 1; d >= 0; --d) {
        *offset += strides[d];
        if (++idx[d] < dims[d]) {
            return 1;
        }
        *offset -= strides[d] * dims[d];
        idx[d] = 0;
    }
    return 0;
}

mg_status mg_reduce_max_min_s8(const mg_reduce_max_min_params *p, const int8_t *in, int8_t *out)
{
    int32_t kept_idx[MG_REDUCE_MAX_DIMS] = {0};
    int32_t base = 0, o;
    if (p == NULL || in == NULL || out == NULL || p->kept_rank < 1 || p->reduced_rank < 1
        || p->kept_rank > MG_REDUCE_MAX_DIMS || p->reduced_rank > MG_REDUCE_MAX_DIMS) {
        return MG_ERR_ARG;
    }
    for (o = 0; o < p->outputs; ++o) {
        int32_t red_idx[MG_REDUCE_MAX_DIMS] = {0};
        int32_t off = 0;
        int8_t best = in[base];
        do {
            const int8_t v = in[base + off];
            if (p->is_max ? v > best : v < best) {
                best = v;
            }
        } while (reduce_next(p->reduced_rank, p->reduced_dims, p->reduced_strides, red_idx, &off));
        out[o] = best;
        (void)reduce_next(p->kept_rank, p->kept_dims, p->kept_strides, kept_idx, &base);
    }
    return MG_OK;
}
