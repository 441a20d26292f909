#include "maximum_minimum_s8.h"

static int8_t maximum_one(const mg_maximum_minimum_params *p, int8_t a, int8_t b)
{
    (void)p;
    return a > b ? a : b;
}

static int8_t minimum_one(const mg_maximum_minimum_params *p, int8_t a, int8_t b)
{
    (void)p;
    return a < b ? a : b;
}

mg_status mg_maximum_minimum_s8(const mg_maximum_minimum_params *p, const int8_t *in1,
                                const int8_t *in2, int8_t *out)
{
    if (p == NULL || in1 == NULL || in2 == NULL || out == NULL || !mg_broadcast_rank_ok(p->rank)) {
        return MG_ERR_ARG;
    }
    if (p->is_max) {
        MG_BROADCAST_APPLY(maximum_one, p, in1, in2, out);
    } else {
        MG_BROADCAST_APPLY(minimum_one, p, in1, in2, out);
    }
    return MG_OK;
}
