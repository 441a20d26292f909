#include "l2_normalization_s8.h"

/* TFLM's GetInvSqrtQuantizedMultiplierExp(sum, kReverseShift = -1): 1/sqrt(sum) as a multiplier
 * and a (left) shift for mg_requantize. Newton-Raphson in Q3.28, five steps from 1. */
static void mg_inv_sqrt(int32_t sum, int32_t *multiplier, int32_t *shift)
{
    int32_t x = 1 << 28, half_input, s = 11, i;
    unsigned pairs;
    if (sum <= 1) {
        *multiplier = INT32_MAX;
        *shift = 0;
        return;
    }
    while (sum >= (1 << 29)) {
        sum /= 4;
        ++s;
    }
    pairs = (unsigned)(mg_count_leading_zeros((uint32_t)sum) - 1) / 2u - 1u;
    s -= (int32_t)pairs;
    sum <<= 2 * pairs;
    half_input = mg_rounding_divide_by_pot(sum >> 1, 1);
    for (i = 0; i < 5; ++i) {
        const int32_t x3 = mg_sat_shift_left(mg_srdhm(mg_srdhm(x, x), x), 6);
        const int32_t three_halves_x = mg_srdhm((1 << 28) + (1 << 27), x);
        x = mg_sat_shift_left((int32_t)((uint32_t)three_halves_x - (uint32_t)mg_srdhm(half_input, x3)), 3);
    }
    x = mg_srdhm(x, 1518500250); /* times sqrt(2) / 2 in Q0.31 */
    if (s < 0) {
        x = (int32_t)((uint32_t)x << -s);
        s = 0;
    }
    *multiplier = x;
    *shift = -s;
}

mg_status mg_l2_normalization_s8(const mg_l2_normalization_params *p, const int8_t *in, int8_t *out)
{
    int32_t r, i;
    if (p == NULL || in == NULL || out == NULL || p->depth < 1) {
        return MG_ERR_ARG;
    }
    for (r = 0; r < p->outer; ++r) {
        const int8_t *row = in + r * p->depth;
        int8_t *dst = out + r * p->depth;
        int32_t sum = 0, multiplier, shift;
        for (i = 0; i < p->depth; ++i) {
            const int32_t v = (int32_t)row[i] - p->input_zero_point;
            sum += v * v;
        }
        mg_inv_sqrt(sum, &multiplier, &shift);
        for (i = 0; i < p->depth; ++i) {
            const int32_t v = (int32_t)row[i] - p->input_zero_point;
            dst[i] = (int8_t)mg_clamp_i32(mg_requantize(v, multiplier, shift + 7), -128, 127);
        }
    }
    return MG_OK;
}
