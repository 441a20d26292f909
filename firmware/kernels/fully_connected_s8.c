#include "fully_connected_s8.h"

static int8_t output_value(const mg_fully_connected_params *p, int32_t acc, int32_t c)
{
    const int32_t q = c * p->per_channel;
    if (p->bias != NULL) {
        acc += p->bias[c];
    }
    acc = mg_requantize(acc, p->multiplier[q], p->shift[q]) + p->output_offset;
    return (int8_t)mg_clamp_i32(acc, p->act_min, p->act_max);
}

mg_status mg_fully_connected_s8(const mg_fully_connected_params *p, const int8_t *in, int8_t *out)
{
    int32_t b, c, d;
    const size_t depth = p == NULL ? 0 : (size_t)p->accum_depth;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) {
        const int8_t *row = in + (size_t)b * depth;
        int8_t *dst = out + (size_t)b * (size_t)p->output_depth;
        /* four filter rows per pass: each offset input value is loaded once for four MACs */
        for (c = 0; c + 3 < p->output_depth; c += 4) {
            const int8_t *w0 = p->filter + (size_t)c * depth;
            const int8_t *w1 = w0 + depth, *w2 = w1 + depth, *w3 = w2 + depth;
            int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
            for (d = 0; d < p->accum_depth; ++d) {
                const int32_t x = (int32_t)row[d] + p->input_offset;
                a0 += ((int32_t)w0[d] + p->filter_offset) * x;
                a1 += ((int32_t)w1[d] + p->filter_offset) * x;
                a2 += ((int32_t)w2[d] + p->filter_offset) * x;
                a3 += ((int32_t)w3[d] + p->filter_offset) * x;
            }
            dst[c] = output_value(p, a0, c);
            dst[c + 1] = output_value(p, a1, c + 1);
            dst[c + 2] = output_value(p, a2, c + 2);
            dst[c + 3] = output_value(p, a3, c + 3);
        }
        for (; c < p->output_depth; ++c) {
            const int8_t *w = p->filter + (size_t)c * depth;
            int32_t acc = 0;
            for (d = 0; d < p->accum_depth; ++d) {
                acc += ((int32_t)w[d] + p->filter_offset) * ((int32_t)row[d] + p->input_offset);
            }
            dst[c] = output_value(p, acc, c);
        }
    }
    return MG_OK;
}
