#include "reduce_max_min_s8.h"


mg_status mg_reduce_max_min_s8(const mg_reduce_max_min_params *p, const int8_t *in, int8_t *out)
{
    int32_t kept_idx[MG_REDUCE_MAX_DIMS] = {0};
    int32_t base = 0, o;
    if (p == NULL || in == NULL || out == NULL || !MG_REDUCE_WALK_OK(p)) {
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
        } while (mg_reduce_next(p->reduced_rank, p->reduced_dims, p->reduced_strides, red_idx, &off));
        out[o] = best;
        (void)mg_reduce_next(p->kept_rank, p->kept_dims, p->kept_strides, kept_idx, &base);
    }
    return MG_OK;
}
