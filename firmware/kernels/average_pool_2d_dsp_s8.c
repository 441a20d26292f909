#include "average_pool_2d_dsp_s8.h"

#include "mg_dsp.h"

/* Four channels at a time: two halfword-pair sums per word of taps. */
static mg_status average(const mg_pool_2d_params *p, const int8_t *in, const mg_pool_window *w, int8_t *dst)
{
    int32_t c, y, x;
    if (w->count <= 0) {
        for (c = 0; c < p->channels; ++c) {
            dst[c] = 0;
        }
        return MG_OK;
    }
    for (c = 0; c < p->channels; c += 4) {
        uint32_t even = 0, odd = 0; /* int16 lanes: channels (c, c+2) and (c+1, c+3) */
        for (y = w->y0; y < w->y1; ++y) {
            const int8_t *px = in + ((size_t)y * (size_t)p->in_w + (size_t)w->x0) * (size_t)p->channels + c;
            for (x = w->x0; x < w->x1; ++x, px += p->channels) {
                const uint32_t v = mg_read_u32(px);
                even = mg_sxtab16(even, v);
                odd = mg_sxtab16_ror8(odd, v);
            }
        }
        dst[c] = mg_pool_2d_mean((int16_t)(even & 0xFFFFu), w->count, p->act_min, p->act_max);
        dst[c + 1] = mg_pool_2d_mean((int16_t)(odd & 0xFFFFu), w->count, p->act_min, p->act_max);
        dst[c + 2] = mg_pool_2d_mean((int16_t)(even >> 16), w->count, p->act_min, p->act_max);
        dst[c + 3] = mg_pool_2d_mean((int16_t)(odd >> 16), w->count, p->act_min, p->act_max);
    }
    return MG_OK;
}

mg_status mg_average_pool_2d_dsp_s8(const mg_average_pool_2d_dsp_params *p, const int8_t *in, int8_t *out)
{
    if (p == NULL || p->channels % 4 != 0 || p->filter_h * p->filter_w > 256) {
        return MG_ERR_ARG;
    }
    return mg_pool_2d_run(p, in, out, average);
}

int32_t mg_average_pool_2d_dsp_s8_scratch_bytes(const mg_average_pool_2d_dsp_params *p)
{
    return mg_pool_2d_scratch_bytes(p);
}
