#include "average_pool_2d_mve_s8.h"

#include "mg_mve.h"

/* The window's sum of channels c .. c + 7 (those `lanes` marks). */
static inline int16x8_t window_sum(const mg_pool_2d_params *p, const int8_t *in, const mg_pool_window *w, int32_t c,
                                   mve_pred16_t lanes)
{
    int16x8_t sum = vdupq_n_s16(0);
    int32_t y, x;
    for (y = w->y0; y < w->y1; ++y) {
        const int8_t *px = in + ((size_t)y * (size_t)p->in_w + (size_t)w->x0) * (size_t)p->channels + (size_t)c;
        for (x = w->x0; x < w->x1; ++x, px += p->channels) {
            sum = vaddq_s16(sum, vldrbq_z_s16(px, lanes));
        }
    }
    return sum;
}

static mg_status average(const mg_pool_2d_params *p, const int8_t *in, const mg_pool_window *w, int8_t *dst)
{
    int32_t c, i;
    for (c = 0; c < p->channels; c += 8) {
        const int32_t n = mg_min_i32(8, p->channels - c);
        const int16x8_t sum = window_sum(p, in, w, c, vctp16q((uint32_t)n));
        int16_t lane[8];
        vstrhq_s16(lane, sum);
        for (i = 0; i < n; ++i) {
            dst[c + i] = w->count > 0 ? mg_pool_2d_mean(lane[i], w->count, p->act_min, p->act_max) : 0;
        }
    }
    return MG_OK;
}

mg_status mg_average_pool_2d_mve_s8(const mg_average_pool_2d_mve_params *p, const int8_t *in, int8_t *out)
{
    if (p == NULL || p->filter_h * p->filter_w > 256) {
        return MG_ERR_ARG;
    }
    return mg_pool_2d_run(p, in, out, average);
}

int32_t mg_average_pool_2d_mve_s8_scratch_bytes(const mg_average_pool_2d_mve_params *p)
{
    return mg_pool_2d_scratch_bytes(p);
}
