#include "fully_connected_dsp_s4.h"

#include "mg_dsp_s4.h"

/* All output channels of one widened row; `off` is 8 times the row's sum (the weights' offset). */
static inline __attribute__((always_inline)) void channel_pairs(const mg_fully_connected_dsp_params *p,
                                                                const int16_t *col, int32_t off, int8_t *dst,
                                                                const int lean)
{
    const int32_t depth = p->output_depth, turns = p->col_len / 8;
    const int32_t out_off = p->output_offset, lo = p->act_min, hi = p->act_max;
    const uint32_t *w = (const uint32_t *)__builtin_assume_aligned(p->filter, 4);
    const uint32_t *x = (const uint32_t *)__builtin_assume_aligned(col, 4);
    const int32_t *q = p->quant;
    const int8_t *sh = p->shift;
    int32_t oc;
    for (oc = 0; oc < depth; oc += 2, q += 4, sh += 2) {
        int32_t a0 = q[0] - off, a1 = q[2] - off;
        MG_DOT4_2X1(w, x, turns, a0, a1);
        w += 2 * turns;
        {
            const int32_t v0 = MG_DSP_OUT(lean, a0, q[1], sh[0], out_off, lo, hi);
            const int32_t v1 = MG_DSP_OUT(lean, a1, q[3], sh[1], out_off, lo, hi);
            dst[oc] = (int8_t)v0; /* the int8 stores come last: they could alias the constants */
            if (oc + 1 < depth) {
                dst[oc + 1] = (int8_t)v1;
            }
        }
    }
}

static void channels_lean(const mg_fully_connected_dsp_params *p, const int16_t *col, int32_t off, int8_t *dst)
{
    channel_pairs(p, col, off, dst, 1);
}

static void channels_exact(const mg_fully_connected_dsp_params *p, const int16_t *col, int32_t off, int8_t *dst)
{
    channel_pairs(p, col, off, dst, 0);
}

mg_status mg_fully_connected_dsp_s4(const mg_fully_connected_dsp_s4_params *p, const int8_t *in, int8_t *out)
{
    int16_t *col;
    int32_t b;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->quant == NULL || p->shift == NULL
        || p->scratch == NULL || p->col_len <= 0 || p->col_len % 8 != 0 || p->col_len < p->accum_depth
        || ((uintptr_t)p->scratch & 3u) != 0 || ((uintptr_t)p->filter & 3u) != 0) {
        return MG_ERR_ARG; /* LDRD needs word-aligned columns and weights */
    }
    col = (int16_t *)(void *)p->scratch;
    for (b = 0; b < p->batches; ++b) {
        const int32_t sum = mg_widen_s8(in + (size_t)b * (size_t)p->accum_depth, p->accum_depth, col, p->col_len);
        int8_t *dst = out + (size_t)b * (size_t)p->output_depth;
        if (p->lean) {
            channels_lean(p, col, 8 * sum, dst);
        } else {
            channels_exact(p, col, 8 * sum, dst);
        }
    }
    return MG_OK;
}

int32_t mg_fully_connected_dsp_s4_scratch_bytes(const mg_fully_connected_dsp_s4_params *p)
{
    return p == NULL ? -1 : 2 * p->col_len;
}
