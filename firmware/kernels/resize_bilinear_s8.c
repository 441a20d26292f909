#include "resize_bilinear_s8.h"

/* Each weight pair's factors lie in [-512, 1536] (a half-pixel border goes below 0 or above
 * 1024), so |value * wy * wx| summed over the four taps stays below 2^30: int32 is exact, the
 * same as TFLM's int64. */
static int8_t mg_bilinear_round(int32_t sum20)
{
    const int32_t rounded = (sum20 + (sum20 > 0 ? (1 << 19) : -(1 << 19))) / (1 << 20);
    return (int8_t)rounded;
}

mg_status mg_resize_bilinear_s8(const mg_resize_bilinear_params *p, const int8_t *in, int8_t *out)
{
    int32_t b, y, x, c;
    if (p == NULL || p->y0 == NULL || p->x0 == NULL || in == NULL || out == NULL || p->depth < 0) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) {
        for (y = 0; y < p->out_h; ++y) {
            const int8_t *top = MG_RESIZE_ROW(p, in, b, p->y0[y]);
            const int8_t *bottom = MG_RESIZE_ROW(p, in, b, p->y1[y]);
            const int32_t wb = p->fy[y], wt = 1024 - wb;
            for (x = 0; x < p->out_w; ++x) {
                const int32_t l = p->x0[x] * p->depth, r = p->x1[x] * p->depth;
                const int32_t wr = p->fx[x], wl = 1024 - wr;
                for (c = 0; c < p->depth; ++c) {
                    const int32_t sum = top[l + c] * wt * wl + bottom[l + c] * wb * wl
                                        + top[r + c] * wt * wr + bottom[r + c] * wb * wr;
                    *out++ = mg_bilinear_round(sum);
                }
            }
        }
    }
    return MG_OK;
}
