#include "max_pool_2d_s16.h"

mg_status mg_max_pool_2d_s16(const mg_max_pool_2d_s16_params *p, const int16_t *in, int16_t *out)
{
    return mg_pool_2d_s16_run(p, in, out, 1);
}
