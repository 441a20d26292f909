#include "arg_max_min_s8.h"

mg_status mg_arg_max_min_s8(const mg_arg_max_min_params *p, const int8_t *in, int32_t *out)
{
    int32_t o, i, a;
    if (p == NULL || in == NULL || out == NULL || p->outer < 1 || p->axis_size < 1 || p->inner < 1) {
        return MG_ERR_ARG;
    }
    for (o = 0; o < p->outer; ++o) {
        const int8_t *row = in + o * p->axis_size * p->inner;
        for (i = 0; i < p->inner; ++i) {
            int8_t best = row[i];
            int32_t best_index = 0;
            for (a = 1; a < p->axis_size; ++a) {
                const int8_t v = row[a * p->inner + i];
                if (p->is_max ? v > best : v < best) {
                    best = v;
                    best_index = a;
                }
            }
            out[o * p->inner + i] = best_index;
        }
    }
    return MG_OK;
}
