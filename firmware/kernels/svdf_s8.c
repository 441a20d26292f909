#include "svdf_s8.h"

/* The value's low 8 or 16 bits as a signed number: the modular store of TFLM's assignment,
 * spelled without implementation-defined conversions. */
static int32_t wrap_bits(int32_t v, int bits)
{
    const uint32_t mask = (1u << bits) - 1u;
    const uint32_t low = (uint32_t)v & mask;
    return low > (mask >> 1) ? (int32_t)low - (int32_t)mask - 1 : (int32_t)low;
}

/* push_and_dot_<T>: shift the filter's state row left, append `newest` (stored modulo 2^bits),
 * and return the row's dot product with the filter's time weights, modulo 2^32. One body for
 * the int8 and the int16 state. */
#define MG_SVDF_PUSH_AND_DOT(name, T, bits)                                                  \
    static uint32_t name(T *row, const T *weights, int32_t memory, int32_t newest)           \
    {                                                                                        \
        uint32_t acc = 0;                                                                    \
        int32_t m;                                                                           \
        for (m = 0; m + 1 < memory; ++m) {                                                   \
            row[m] = row[m + 1];                                                             \
            acc += (uint32_t)((int32_t)weights[m] * row[m]);                                 \
        }                                                                                    \
        row[memory - 1] = (T)wrap_bits(newest, bits);                                        \
        return acc + (uint32_t)((int32_t)weights[memory - 1] * row[memory - 1]);             \
    }

MG_SVDF_PUSH_AND_DOT(push_and_dot_s8, int8_t, 8)
MG_SVDF_PUSH_AND_DOT(push_and_dot_s16, int16_t, 16)

/* The requantized feature of filter `f` for one input row, clamped to the state type's range. */
static int32_t feature(const mg_svdf_params *p, const int8_t *x, int32_t f, int32_t lo, int32_t hi)
{
    const int8_t *w = p->weights_feature + (size_t)f * (size_t)p->input_size;
    uint32_t acc = (uint32_t)p->feature_bias[f];
    int32_t i;
    for (i = 0; i < p->input_size; ++i) {
        acc += (uint32_t)((int32_t)w[i] * x[i]);
    }
    return mg_clamp_i32(mg_requantize(mg_wrap_i32((int64_t)acc), p->feature_multiplier, p->feature_shift),
                        lo, hi);
}

mg_status mg_svdf_s8(const mg_svdf_params *p, const int8_t *in, void *state, int8_t *out)
{
    const int32_t lo = p != NULL && p->state_int16 ? -32768 : -128;
    const int32_t hi = p != NULL && p->state_int16 ? 32767 : 127;
    int32_t b, u, r;
    if (p == NULL || in == NULL || state == NULL || out == NULL || p->weights_feature == NULL
        || p->weights_time == NULL || p->feature_bias == NULL || p->unit_bias == NULL
        || p->rank < 1 || p->memory_size < 1) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) {
        const int8_t *x = in + (size_t)b * (size_t)p->input_size;
        const int32_t units = p->num_filters / p->rank;
        for (u = 0; u < units; ++u) {
            uint32_t acc = (uint32_t)p->unit_bias[u];
            for (r = 0; r < p->rank; ++r) {
                const int32_t f = u * p->rank + r;
                const size_t row = ((size_t)b * (size_t)p->num_filters + (size_t)f) * (size_t)p->memory_size;
                const size_t taps = (size_t)f * (size_t)p->memory_size;
                const int32_t newest = p->state_zero_point + feature(p, x, f, lo, hi);
                if (p->state_int16) {
                    acc += push_and_dot_s16((int16_t *)state + row, (const int16_t *)p->weights_time + taps,
                                            p->memory_size, newest);
                } else {
                    acc += push_and_dot_s8((int8_t *)state + row, (const int8_t *)p->weights_time + taps,
                                           p->memory_size, newest);
                }
            }
            out[(size_t)b * (size_t)units + (size_t)u] = (int8_t)mg_clamp_i32(
                mg_requantize(mg_wrap_i32((int64_t)acc), p->output_multiplier, p->output_shift)
                    + p->output_offset, -128, 127);
        }
    }
    return MG_OK;
}
