#include "log_softmax_s8.h"

/* Q formats of TFLM's int8 LogSoftmax: differences Q5.26, sum of exp() Q12.19, log Q5.26 */
#define MG_LS_DIFF_INTEGER_BITS 5
#define MG_LS_SUM_INTEGER_BITS 12
#define MG_LS_OUTPUT_INTEGER_BITS 4
#define MG_LS_LOG_ACCUM_BITS (MG_LS_DIFF_INTEGER_BITS + 1)

static int32_t saturate_i64(int64_t x)
{
    return x > INT32_MAX ? INT32_MAX : (x < INT32_MIN ? INT32_MIN : (int32_t)x);
}

static int32_t add_wrap(int32_t a, int32_t b) { return mg_wrap_i32((int64_t)a + (int64_t)b); }

static int32_t rounding_half_sum(int32_t a, int32_t b)
{
    const int64_t sum = (int64_t)a + (int64_t)b;
    return (int32_t)((sum + (sum >= 0 ? 1 : -1)) / 2);
}

/* gemmlowp one_over_one_plus_x_for_x_in_0_1: Newton-Raphson in Q2.29, result Q0.31. */
static int32_t one_over_one_plus_x(int32_t a)
{
    const int32_t half_denominator = rounding_half_sum(a, INT32_MAX);
    const int32_t one_q2 = (int32_t)1 << 29;
    int32_t x = add_wrap(1515870810, mg_srdhm(half_denominator, -1010580540));
    int i;
    for (i = 0; i < 3; ++i) {
        const int32_t one_minus = add_wrap(one_q2, -mg_srdhm(half_denominator, x));
        x = add_wrap(x, mg_sat_shift_left(mg_srdhm(x, one_minus), 2));
    }
    return mg_sat_shift_left(x, 1);
}

/* TFLM log_x_for_x_greater_than_or_equal_to_1<5> of a Q12.19 value; result Q5.26. */
static int32_t log_of_sum(int32_t z_a)
{
    const int32_t log_2 = 1488522236;
    const int32_t sqrt_sqrt_half = 1805811301;
    const int32_t sqrt_half = 1518500250;
    const int32_t alpha_n = 117049297;
    const int32_t alpha_d = 127690142;
    const int32_t alpha_i = 1057819769;
    const int32_t alpha_f = 638450708;
    /* 1/4 (Q0.31) rescaled to the Q6.25 accumulator */
    const int32_t shifted_quarter = mg_rounding_divide_by_pot(536870912, MG_LS_LOG_ACCUM_BITS);
    const int accum_shift = 31 - MG_LS_LOG_ACCUM_BITS;
    const int z_a_headroom_plus_1 = mg_count_leading_zeros((uint32_t)z_a);
    const int32_t r_a_tmp = mg_sat_shift_left(z_a, z_a_headroom_plus_1 - 1);
    const int32_t r_a = mg_sat_shift_left(mg_srdhm(r_a_tmp, sqrt_half), 1);
    const int32_t z_a_pow_2_adj = saturate_i64(
        (int64_t)mg_sat_shift_left(MG_LS_SUM_INTEGER_BITS - z_a_headroom_plus_1, accum_shift)
        + shifted_quarter);
    const int32_t z_b = mg_srdhm(z_a, sqrt_half);
    const int z_b_headroom = mg_count_leading_zeros((uint32_t)z_b) - 1;
    const int32_t r_b = mg_sat_shift_left(z_a, z_b_headroom);
    const int32_t z_b_pow_2_adj = saturate_i64(
        (int64_t)mg_sat_shift_left(MG_LS_SUM_INTEGER_BITS - z_b_headroom, accum_shift)
        - shifted_quarter);
    const int32_t r = mg_min_i32(r_a, r_b);
    const int32_t z_pow_2_adj = mg_max_i32(z_a_pow_2_adj, z_b_pow_2_adj);
    const int32_t p = rounding_half_sum(r, sqrt_sqrt_half);
    int32_t q = add_wrap(r, -sqrt_sqrt_half);
    int32_t common_sq, num, denom_minus_one, recip_denom, num_scaled;
    q = add_wrap(q, q);
    common_sq = mg_srdhm(q, q);
    num = add_wrap(mg_srdhm(q, r), mg_srdhm(mg_srdhm(q, common_sq), alpha_n));
    denom_minus_one = add_wrap(
        mg_srdhm(p, add_wrap(add_wrap(alpha_i, q), mg_srdhm(alpha_d, common_sq))),
        mg_srdhm(alpha_f, q));
    recip_denom = one_over_one_plus_x(denom_minus_one);
    num_scaled = mg_rounding_divide_by_pot(num, MG_LS_LOG_ACCUM_BITS);
    /* Q6.25 -> Q5.26 */
    return mg_sat_shift_left(
        add_wrap(mg_srdhm(z_pow_2_adj, log_2), mg_srdhm(num_scaled, recip_denom)),
        MG_LS_LOG_ACCUM_BITS - MG_LS_DIFF_INTEGER_BITS);
}

mg_status mg_log_softmax_s8(const mg_log_softmax_params *p, const int8_t *in, int8_t *out)
{
    int32_t r, c;
    if (p == NULL || in == NULL || out == NULL || p->diff_table == NULL || p->exp_table == NULL) {
        return MG_ERR_ARG;
    }
    for (r = 0; r < p->rows; ++r) {
        const int8_t *x = in + (size_t)r * (size_t)p->depth;
        int8_t *y = out + (size_t)r * (size_t)p->depth;
        int32_t max = -128;
        int32_t sum = 0; /* Q12.19; depth <= 4095 terms of at most 1.0 never overflow */
        int32_t log_sum, adjusted_diff_min;
        for (c = 0; c < p->depth; ++c) {
            max = mg_max_i32(max, x[c]);
        }
        for (c = 0; c < p->depth; ++c) {
            sum += p->exp_table[max - x[c]];
        }
        log_sum = log_of_sum(sum);
        /* the smallest Q5.26 value plus the log: differences at or below it would overflow */
        adjusted_diff_min = mg_max_i32(
            p->diff_min - 1,
            mg_requantize(add_wrap(log_sum, INT32_MIN), p->reverse_scaling_divisor,
                          p->reverse_scaling_shift));
        /* the whole row is read above; writing now keeps in-place use correct */
        for (c = 0; c < p->depth; ++c) {
            const int32_t diff = (int32_t)x[c] - max;
            int32_t v = -128;
            if (diff > adjusted_diff_min) {
                v = mg_rounding_divide_by_pot(
                        add_wrap(p->diff_table[max - x[c]], -log_sum),
                        31 - MG_LS_DIFF_INTEGER_BITS - MG_LS_OUTPUT_INTEGER_BITS) + 127;
                v = mg_clamp_i32(v, -128, 127);
            }
            y[c] = (int8_t)v;
        }
    }
    return MG_OK;
}
