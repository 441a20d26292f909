#include "max_pool_2d_s8.h"

static mg_status largest(const mg_pool_2d_params *p, const int8_t *in, const mg_pool_window *w, int8_t *dst)
{
    int32_t c;
    for (c = 0; c < p->channels; ++c) {
        dst[c] = (int8_t)mg_clamp_i32(mg_pool_2d_reduce(p, in, w, c, 1), p->act_min, p->act_max);
    }
    return MG_OK;
}

mg_status mg_max_pool_2d_s8(const mg_max_pool_2d_params *p, const int8_t *in, int8_t *out)
{
    return mg_pool_2d_run(p, in, out, largest);
}

int32_t mg_max_pool_2d_s8_scratch_bytes(const mg_max_pool_2d_params *p)
{
    return mg_pool_2d_scratch_bytes(p);
}
