#include "max_pool_2d_dsp_s8.h"

#include "mg_dsp.h"

/* The lane-wise larger or smaller of four int8 lanes: SSUB8 sets each lane's GE
 * flag where a >= b, SEL takes a's lane there and b's elsewhere. */
#if MG_DSP_NATIVE
static inline uint32_t larger4(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("ssub8  %0, %1, %2\n\tsel    %0, %1, %2" : "=&r"(r) : "r"(a), "r"(b) : "cc");
    return r;
}
static inline uint32_t smaller4(uint32_t a, uint32_t b)
{
    uint32_t r;
    __asm__("ssub8  %0, %1, %2\n\tsel    %0, %2, %1" : "=&r"(r) : "r"(a), "r"(b) : "cc");
    return r;
}
#else
static inline uint32_t lanes4(uint32_t a, uint32_t b, int take_larger)
{
    uint32_t r = 0;
    int32_t k;
    for (k = 0; k < 32; k += 8) {
        const int32_t x = (int8_t)(a >> k), y = (int8_t)(b >> k);
        r |= (uint32_t)(uint8_t)((x >= y) == take_larger ? x : y) << k;
    }
    return r;
}
static inline uint32_t larger4(uint32_t a, uint32_t b) { return lanes4(a, b, 1); }
static inline uint32_t smaller4(uint32_t a, uint32_t b) { return lanes4(a, b, 0); }
#endif

/* One window tap over all channels: dst = max(dst, or act_min for the first tap, tap). */
static inline __attribute__((always_inline)) void tap4(const int8_t *src, int8_t *dst, int32_t channels,
                                                       uint32_t lo, int first)
{
    int32_t c;
    for (c = 0; c < channels; c += 4) {
        mg_write_u32(dst + c, larger4(first ? lo : mg_read_u32(dst + c), mg_read_u32(src + c)));
    }
}

/* Tap by tap over all channels (the window's few taps cost little loop overhead). The running
 * maximum starts at act_min: max(act_min, taps...) is the lower clamp; the upper one is a pass of
 * its own, only when act_max is below 127. */
static mg_status largest(const mg_pool_2d_params *p, const int8_t *in, const mg_pool_window *w, int8_t *dst)
{
    const uint32_t lo = 0x01010101u * (uint8_t)p->act_min, hi = 0x01010101u * (uint8_t)p->act_max;
    const int32_t channels = p->channels;
    const size_t row = (size_t)p->in_w * (size_t)channels;
    const int8_t *py = in + (size_t)w->y0 * row + (size_t)w->x0 * (size_t)channels;
    int32_t y, x, c, first = 1;
    for (c = 0; c < channels && w->count <= 0; c += 4) {
        mg_write_u32(dst + c, lo); /* no tap: TFLM's lowest value, clamped */
    }
    for (y = w->y0; y < w->y1; ++y, py += row) {
        const int8_t *px = py;
        for (x = w->x0; x < w->x1; ++x, px += channels) {
            if (first) {
                tap4(px, dst, channels, lo, 1);
                first = 0;
            } else {
                tap4(px, dst, channels, lo, 0);
            }
        }
    }
    for (c = 0; c < channels && p->act_max < 127; c += 4) {
        mg_write_u32(dst + c, smaller4(mg_read_u32(dst + c), hi));
    }
    return MG_OK;
}

mg_status mg_max_pool_2d_dsp_s8(const mg_max_pool_2d_dsp_params *p, const int8_t *in, int8_t *out)
{
    if (p == NULL || p->channels % 4 != 0) {
        return MG_ERR_ARG;
    }
    return mg_pool_2d_run(p, in, out, largest);
}

int32_t mg_max_pool_2d_dsp_s8_scratch_bytes(const mg_max_pool_2d_dsp_params *p)
{
    return mg_pool_2d_scratch_bytes(p);
}
