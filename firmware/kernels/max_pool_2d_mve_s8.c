#include "max_pool_2d_mve_s8.h"

#include "mg_mve.h"

static mg_status largest(const mg_pool_2d_params *p, const int8_t *in, const mg_pool_window *w, int8_t *dst)
{
    const int8x16_t lo = vdupq_n_s8((int8_t)p->act_min), hi = vdupq_n_s8((int8_t)p->act_max);
    int32_t c, y, x;
    for (c = 0; c < p->channels; c += 16) {
        const mve_pred16_t lanes = vctp8q((uint32_t)(p->channels - c));
        int8x16_t m = vdupq_n_s8(-128);
        for (y = w->y0; y < w->y1; ++y) {
            const int8_t *px = in + ((size_t)y * (size_t)p->in_w + (size_t)w->x0) * (size_t)p->channels + (size_t)c;
            for (x = w->x0; x < w->x1; ++x, px += p->channels) {
                m = vmaxq_s8(m, vldrbq_z_s8(px, lanes));
            }
        }
        vstrbq_p_s8(dst + c, vminq_s8(vmaxq_s8(m, lo), hi), lanes);
    }
    return MG_OK;
}

mg_status mg_max_pool_2d_mve_s8(const mg_max_pool_2d_mve_params *p, const int8_t *in, int8_t *out)
{
    return mg_pool_2d_run(p, in, out, largest);
}

int32_t mg_max_pool_2d_mve_s8_scratch_bytes(const mg_max_pool_2d_mve_params *p)
{
    return mg_pool_2d_scratch_bytes(p);
}
