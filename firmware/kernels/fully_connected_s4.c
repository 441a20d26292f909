#include "fully_connected_s4.h"

/* element i of a packed int4 array, sign-extended */
static int32_t int4_at(const uint8_t *w, size_t i)
{
    const int32_t nibble = (i & 1u) ? (int32_t)(w[i >> 1] >> 4) : (int32_t)(w[i >> 1] & 0x0Fu);
    return (nibble ^ 8) - 8;
}

mg_status mg_fully_connected_s4(const mg_fully_connected_s4_params *p, const int8_t *in, int8_t *out)
{
    int32_t b, c, d;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) {
        const int8_t *row = in + (size_t)b * (size_t)p->accum_depth;
        int8_t *dst = out + (size_t)b * (size_t)p->output_depth;
        for (c = 0; c < p->output_depth; ++c) {
            const size_t base = (size_t)c * (size_t)p->accum_depth;
            const int32_t q = c * p->per_channel;
            int32_t acc = 0;
            for (d = 0; d < p->accum_depth; ++d) {
                acc += (int4_at(p->filter, base + (size_t)d) + p->filter_offset)
                       * ((int32_t)row[d] + p->input_offset);
            }
            if (p->bias != NULL) {
                acc += p->bias[c];
            }
            acc = mg_requantize(acc, p->multiplier[q], p->shift[q]) + p->output_offset;
            dst[c] = (int8_t)mg_clamp_i32(acc, p->act_min, p->act_max);
        }
    }
    return MG_OK;
}
