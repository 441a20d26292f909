#include "softmax_s16.h"

/* TFLM's LUTLookup: the top 9 bits of x pick a segment, the low 7 interpolate along it. */
static int16_t lookup(const int16_t *table, int32_t x)
{
    const int32_t index = 256 + (x >> 7);
    const int32_t offset = x & 0x7F;
    const int32_t base = table[index];
    const int32_t slope = table[index + 1] - base;
    return (int16_t)(base + ((slope * offset + 64) >> 7));
}

mg_status mg_softmax_s16(const mg_softmax_s16_params *p, const int16_t *in, int16_t *out)
{
    int32_t r, c;
    if (p == NULL || in == NULL || out == NULL || p->exp_table == NULL || p->one_over_one_plus_x_table == NULL
        || p->depth <= 0 || p->depth > 65536 || p->input_shift > 15) {
        return MG_ERR_ARG;
    }
    for (r = 0; r < p->rows; ++r) {
        const int16_t *x = in + (size_t)r * (size_t)p->depth;
        int16_t *y = out + (size_t)r * (size_t)p->depth;
        int32_t max = -32768;
        int32_t sum = 0;
        int leading_zeros, right_shift;
        int32_t normalised, reciprocal;
        int64_t round;
        for (c = 0; c < p->depth; ++c) {
            max = mg_max_i32(max, x[c]);
        }
        /* exp() of every element, kept in the output row as TFLM does (x[c] read, y[c] written) */
        for (c = 0; c < p->depth; ++c) {
            const int32_t scaled = mg_requantize((int32_t)x[c] - max, p->input_multiplier, p->input_shift);
            y[c] = lookup(p->exp_table, mg_clamp_i32(scaled + 32767, -32768, 32767));
            sum += y[c];
        }
        /* the sum normalised to [2^16, 2^17) (Q1.16 of 1 + x), recentred on the table's [-32768, 32767] */
        leading_zeros = mg_count_leading_zeros((uint32_t)sum);
        normalised = (int32_t)((((int64_t)sum << (leading_zeros - 1)) + (1 << 13)) >> 14);
        reciprocal = lookup(p->one_over_one_plus_x_table,
                            mg_clamp_i32(normalised - ((1 << 15) + (1 << 16)), -32768, 32767));
        right_shift = 31 - leading_zeros;
        round = (int64_t)1 << (right_shift - 1);
        for (c = 0; c < p->depth; ++c) {
            const int32_t v = (int32_t)(((int64_t)y[c] * reciprocal + round) >> right_shift);
            y[c] = (int16_t)mg_clamp_i32(v, 0, 32767);
        }
    }
    return MG_OK;
}
