#include "mean_s16.h"

mg_status mg_mean_s16(const mg_mean_s16_params *p, const int16_t *in, int16_t *out)
{
    int32_t kept_idx[MG_REDUCE_MAX_DIMS] = {0};
    int32_t base = 0, o;
    if (p == NULL || in == NULL || out == NULL || !MG_REDUCE_WALK_OK(p) || p->count < 1) {
        return MG_ERR_ARG;
    }
    for (o = 0; o < p->outputs; ++o) {
        int32_t red_idx[MG_REDUCE_MAX_DIMS] = {0};
        int32_t off = 0, v;
        uint32_t sum = 0; /* TFLM's int32 sum, wrapping where it would overflow (defined here) */
        do {
            sum += (uint32_t)(int32_t)in[base + off];
        } while (mg_reduce_next(p->reduced_rank, p->reduced_dims, p->reduced_strides, red_idx, &off));
        v = mg_wrap_i32((int64_t)mg_wrap_i32((int64_t)sum) - (int64_t)p->input_zero_point * p->count);
        v = mg_requantize(v, p->multiplier, p->shift) + p->output_zero_point;
        out[o] = (int16_t)mg_clamp_i32(v, -32768, 32767);
        (void)mg_reduce_next(p->kept_rank, p->kept_dims, p->kept_strides, kept_idx, &base);
    }
    return MG_OK;
}
