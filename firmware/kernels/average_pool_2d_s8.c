#include "average_pool_2d_s8.h"

static mg_status average(const mg_pool_2d_params *p, const int8_t *in, const mg_pool_window *w, int8_t *dst)
{
    int32_t c;
    if (w->count <= 0) {
        return MG_ERR_ARG;
    }
    for (c = 0; c < p->channels; ++c) {
        dst[c] = mg_pool_2d_mean(mg_pool_2d_reduce(p, in, w, c, 0), w->count, p->act_min, p->act_max);
    }
    return MG_OK;
}

mg_status mg_average_pool_2d_s8(const mg_average_pool_2d_params *p, const int8_t *in, int8_t *out)
{
    return mg_pool_2d_run(p, in, out, average);
}

int32_t mg_average_pool_2d_s8_scratch_bytes(const mg_average_pool_2d_params *p)
{
    return mg_pool_2d_scratch_bytes(p);
}
