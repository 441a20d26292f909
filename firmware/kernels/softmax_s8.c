#include "softmax_s8.h"

#define MG_ACCUM_INTEGER_BITS 12

static int32_t rounding_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* gemmlowp SaturatingRoundingMultiplyByPOT with a positive exponent: saturating left shift. */
static int32_t saturating_shift_left(int32_t x, int exponent)
{
    const int32_t threshold = (int32_t)(((int64_t)1 << (31 - exponent)) - 1);
    if (x > threshold) {
        return INT32_MAX;
    }
    if (x < -threshold) {
        return INT32_MIN;
    }
    return (int32_t)((uint32_t)x << exponent);
}

/* gemmlowp one_over_one_plus_x_for_x_in_0_1: Newton-Raphson in Q2.29, result Q0.31. */
static int32_t one_over_one_plus_x(int32_t a)
{
    const int32_t half_denominator = rounding_half_sum(a, INT32_MAX);
    const int32_t one_q2 = (int32_t)1 << 29;
    int32_t x = mg_wrap_i32((int64_t)1515870810 + mg_srdhm(half_denominator, -1010580540));
    int i;
    for (i = 0; i < 3; ++i) {
        const int32_t hd_x = mg_srdhm(half_denominator, x);
        const int32_t one_minus = mg_wrap_i32((int64_t)one_q2 - hd_x);
        x = mg_wrap_i32((int64_t)x + saturating_shift_left(mg_srdhm(x, one_minus), 2));
    }
    return saturating_shift_left(x, 1);
}

/* exp() of a difference max - x (0..255): 0 past the table's last non-zero entry. */
static int32_t exp_of(const mg_softmax_params *p, int32_t diff)
{
    return diff < p->exp_len ? p->exp_table[diff] : 0;
}

mg_status mg_softmax_s8(const mg_softmax_params *p, const int8_t *in, void *out)
{
    const int out_bits = p != NULL && p->int16_output ? 16 : 8;
    const int32_t out_min = -((int32_t)1 << (out_bits - 1));
    const int32_t out_max = ((int32_t)1 << (out_bits - 1)) - 1;
    int32_t r, c;
    if (p == NULL || in == NULL || out == NULL || p->exp_table == NULL || p->exp_len < 1 || p->exp_len > 256) {
        return MG_ERR_ARG;
    }
    for (r = 0; r < p->rows; ++r) {
        const int8_t *x = in + (size_t)r * (size_t)p->depth;
        const size_t y = (size_t)r * (size_t)p->depth;
        int32_t max = -128;
        int32_t sum = 0;
        int headroom, exponent;
        int32_t scale;
        for (c = 0; c < p->depth; ++c) {
            max = mg_max_i32(max, x[c]);
        }
        for (c = 0; c < p->depth; ++c) {
            /* Rescale Q0.31 -> Q12.19 */
            sum += mg_rounding_divide_by_pot(exp_of(p, max - x[c]), MG_ACCUM_INTEGER_BITS);
        }
        /* 1 / sum as a Q0.31 fraction times 2^-(num_bits_over_unit) (TFLM GetReciprocal) */
        headroom = mg_count_leading_zeros((uint32_t)sum);
        scale = one_over_one_plus_x((int32_t)(((uint32_t)sum << headroom) - 0x80000000u));
        exponent = (MG_ACCUM_INTEGER_BITS - headroom) + 31 - out_bits;
        /* the whole row is read above; writing now keeps in-place use correct */
        for (c = 0; c < p->depth; ++c) {
            const int32_t e = exp_of(p, max - x[c]);
            const int32_t v = mg_clamp_i32(mg_rounding_divide_by_pot(mg_srdhm(scale, e), exponent) + out_min,
                                           out_min, out_max);
            if (p->int16_output) {
                ((int16_t *)out)[y + (size_t)c] = (int16_t)v;
            } else {
                ((int8_t *)out)[y + (size_t)c] = (int8_t)v;
            }
        }
    }
    return MG_OK;
}
