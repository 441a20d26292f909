#include "depthwise_conv_2d_m0_s8.h"

#include "mg_m0.h"

/* a0 += sum over the taps of tap[t][c] * w[t][0], a1 likewise with channel c + 1 and w[t][1];
 * `end` is one past the last tap pointer; taps come in threes. */
#if MG_M0_NATIVE
#define MG_M0_DW_TAP(k)                                    \
    "ldm  %[tp]!, {%[ptr]}\n\t"                            \
    "ldrsb %[x], [%[ptr], %[c0]]\n\t"                      \
    "ldr  %[v], [%[w], #8*" #k "]\n\t"                     \
    "muls %[x], %[v], %[x]\n\t"                            \
    "add  %[a0], %[x]\n\t"                                 \
    "ldrsb %[x], [%[ptr], %[c1]]\n\t"                      \
    "ldr  %[v], [%[w], #8*" #k "+4]\n\t"                   \
    "muls %[x], %[v], %[x]\n\t"                            \
    "add  %[a1], %[x]\n\t"

static inline void dw_pair(const int8_t *const *tap, const int8_t *const *end, const int32_t *w, int32_t c,
                           int32_t *acc0, int32_t *acc1)
{
    int32_t a0 = *acc0, a1 = *acc1, c1 = c + 1;
    const int8_t *ptr;
    int32_t x, v;
    __asm__ volatile(".syntax unified\n\t"
                     "1:\n\t"
                     MG_M0_DW_TAP(0) MG_M0_DW_TAP(1) MG_M0_DW_TAP(2)
                     "adds %[w], #24\n\t"
                     "cmp  %[tp], %[end]\n\t"
                     "bne  1b\n\t"
                     : [a0] "+h"(a0), [a1] "+h"(a1), [tp] "+l"(tap), [w] "+l"(w), [ptr] "=&l"(ptr),
                       [x] "=&l"(x), [v] "=&l"(v)
                     : [c0] "l"(c), [c1] "l"(c1), [end] "h"(end)
                     : "cc", "memory");
    *acc0 = a0;
    *acc1 = a1;
}
#else
static inline void dw_pair(const int8_t *const *tap, const int8_t *const *end, const int32_t *w, int32_t c,
                           int32_t *acc0, int32_t *acc1)
{
    uint32_t a0 = (uint32_t)*acc0, a1 = (uint32_t)*acc1;
    for (; tap != end; ++tap, w += 2) {
        a0 += (uint32_t)((int32_t)(*tap)[c] * w[0]);
        a1 += (uint32_t)((int32_t)(*tap)[c + 1] * w[1]);
    }
    *acc0 = (int32_t)a0;
    *acc1 = (int32_t)a1;
}
#endif

static inline __attribute__((always_inline)) void pixel(const mg_depthwise_conv_2d_m0_params *p,
                                                        const int8_t *const *tap, int8_t *dst, const int lean)
{
    const int32_t channels = p->channels, out_off = p->output_offset, lo = p->act_min, hi = p->act_max;
    const int8_t *const *end = tap + p->taps;
    const int32_t *w = p->filter, *q = p->quant;
    int32_t c;
    for (c = 0; c < channels; c += 2, w += 2 * p->taps, q += 2 * MG_M0_QUANT_WORDS) {
        int32_t a0 = q[0], a1 = q[MG_M0_QUANT_WORDS];
        dw_pair(tap, end, w, c, &a0, &a1);
        dst[c] = mg_m0_output(lean, a0, q, out_off, lo, hi);
        dst[c + 1] = mg_m0_output(lean, a1, q + MG_M0_QUANT_WORDS, out_off, lo, hi);
    }
}

static void pixel_lean(const mg_depthwise_conv_2d_m0_params *p, const int8_t *const *tap, int8_t *dst)
{
    pixel(p, tap, dst, 1);
}

static void pixel_exact(const mg_depthwise_conv_2d_m0_params *p, const int8_t *const *tap, int8_t *dst)
{
    pixel(p, tap, dst, 0);
}

mg_status mg_depthwise_conv_2d_m0_s8(const mg_depthwise_conv_2d_m0_params *p, const int8_t *in, int8_t *out)
{
    const int8_t *tap[MG_DW_M0_MAX_TAPS];
    mg_row_stream rows;
    int8_t *pad_row;
    int32_t ox, i, taps;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->quant == NULL || p->scratch == NULL
        || p->channels <= 0 || p->channels % 2 != 0 || p->taps <= 0 || p->taps % 3 != 0
        || p->taps < p->filter_h * p->filter_w || p->taps > MG_DW_M0_MAX_TAPS) {
        return MG_ERR_ARG;
    }
    taps = p->filter_h * p->filter_w;
    pad_row = p->scratch;
    for (i = 0; i < p->channels; ++i) {
        pad_row[i] = (int8_t)p->pad_value;
    }
    for (i = taps; i < p->taps; ++i) {
        tap[i] = pad_row; /* meets zero weights */
    }
    MG_STREAM_CHANNELS(&rows, p, in, out, pad_row + p->channels);
    while (mg_stream_next(&rows)) {
        const int32_t iy0 = rows.oy * p->stride_h - p->pad_top;
        for (ox = 0; ox < p->out_w; ++ox) {
            MG_WINDOW_TAPS(tap, p, rows.in, pad_row, iy0, ox * p->stride_w - p->pad_left);
            if (p->lean) {
                pixel_lean(p, tap, rows.row + ox * p->channels);
            } else {
                pixel_exact(p, tap, rows.row + ox * p->channels);
            }
        }
    }
    return MG_OK;
}

int32_t mg_depthwise_conv_2d_m0_s8_scratch_bytes(const mg_depthwise_conv_2d_m0_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->channels + p->out_w * p->channels;
}
