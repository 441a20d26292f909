#include "fully_connected_s8.h"

mg_status mg_fully_connected_s8(const mg_fully_connected_params *p, const int8_t *in, int8_t *out)
{
    int32_t b, c, d;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) {
        const int8_t *row = in + (size_t)b * (size_t)p->accum_depth;
        for (c = 0; c < p->output_depth; ++c) {
            const int8_t *w = p->filter + (size_t)c * (size_t)p->accum_depth;
            const int32_t q = c * p->per_channel;
            int32_t acc = 0;
            for (d = 0; d < p->accum_depth; ++d) {
                acc += ((int32_t)w[d] + p->filter_offset) * ((int32_t)row[d] + p->input_offset);
            }
            if (p->bias != NULL) {
                acc += p->bias[c];
            }
            acc = mg_requantize(acc, p->multiplier[q], p->shift[q]) + p->output_offset;
            out[(size_t)b * (size_t)p->output_depth + (size_t)c] =
                (int8_t)mg_clamp_i32(acc, p->act_min, p->act_max);
        }
    }
    return MG_OK;
}
