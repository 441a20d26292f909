#include "mean_s8.h"


mg_status mg_mean_s8(const mg_mean_params *p, const int8_t *in, int8_t *out)
{
    int32_t kept_idx[MG_REDUCE_MAX_DIMS] = {0};
    int32_t base = 0, o;
    if (p == NULL || in == NULL || out == NULL || !MG_REDUCE_WALK_OK(p) || p->count < 1) {
        return MG_ERR_ARG;
    }
    for (o = 0; o < p->outputs; ++o) {
        int32_t red_idx[MG_REDUCE_MAX_DIMS] = {0};
        int32_t off = 0, sum = 0, v;
        do {
            sum += in[base + off];
        } while (mg_reduce_next(p->reduced_rank, p->reduced_dims, p->reduced_strides, red_idx, &off));
        /* TFLM: (int32)(sum - zero_point * count) in 64-bit, then requantize */
        v = mg_wrap_i32((int64_t)sum - (int64_t)p->input_zero_point * p->count);
        v = mg_requantize(v, p->multiplier, p->shift) + p->output_zero_point;
        out[o] = (int8_t)mg_clamp_i32(v, -128, 127);
        (void)mg_reduce_next(p->kept_rank, p->kept_dims, p->kept_strides, kept_idx, &base);
    }
    return MG_OK;
}
