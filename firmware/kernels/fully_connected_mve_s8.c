#include "fully_connected_mve_s8.h"

#include "mg_mve.h"

/* Channels c .. c + 3 of the input row x (weight rows w0..w3: repeat one past the last channel),
 * requantized with the group's constants q. A function of its own for both the whole and the
 * last group: GCC 12 then keeps its loop in registers, and the code is small. */
static __attribute__((noinline)) int32x4_t four(const mg_fully_connected_mve_params *p, const int8_t *x,
                                                const int8_t *w0, const int8_t *w1, const int8_t *w2,
                                                const int8_t *w3, const int32_t *q)
{
    const int32_t depth = p->accum_depth, rest = depth & 15;
    int32_t a0 = q[0], a1 = q[1], a2 = q[2], a3 = q[3];
    int32_t k;
    int32x4_t acc, m, s;
    MG_MVE_OPAQUE(w1);
    MG_MVE_OPAQUE(w2);
    MG_MVE_OPAQUE(w3);
    for (k = depth >> 4; k > 0; --k) {
        const int8x16_t v = vldrbq_s8(x);
        a0 = vmladavaq_s8(a0, vldrbq_s8(w0), v);
        a1 = vmladavaq_s8(a1, vldrbq_s8(w1), v);
        a2 = vmladavaq_s8(a2, vldrbq_s8(w2), v);
        a3 = vmladavaq_s8(a3, vldrbq_s8(w3), v);
        x += 16;
        w0 += 16;
        w1 += 16;
        w2 += 16;
        w3 += 16;
    }
    if (rest) {
        const mve_pred16_t tail = vctp8q((uint32_t)rest);
        const int8x16_t v = vldrbq_z_s8(x, tail);
        a0 = vmladavaq_s8(a0, vldrbq_z_s8(w0, tail), v);
        a1 = vmladavaq_s8(a1, vldrbq_z_s8(w1, tail), v);
        a2 = vmladavaq_s8(a2, vldrbq_z_s8(w2, tail), v);
        a3 = vmladavaq_s8(a3, vldrbq_z_s8(w3, tail), v);
    }
    acc = mg_mve_lanes(a0, a1, a2, a3);
    m = vldrwq_s32(q + 4);
    s = vldrbq_s32((const int8_t *)(q + 8));
    acc = p->lean ? mg_mve_requantize_lean(acc, m, s) : mg_mve_requantize_any(acc, m, s);
    return mg_mve_output(acc, p->output_offset, vdupq_n_s32(p->act_min), vdupq_n_s32(p->act_max));
}

mg_status mg_fully_connected_mve_s8(const mg_fully_connected_mve_params *p, const int8_t *in, int8_t *out)
{
    int32_t b;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->quant == NULL
        || ((uintptr_t)p->quant & 3u) != 0) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) {
        const int32_t n = p->output_depth;
        const size_t stride = (size_t)p->accum_depth;
        const int8_t *x = in + (size_t)b * stride, *w = p->filter;
        int8_t *dst = out + (size_t)b * (size_t)n;
        int32_t c;
        for (c = 0; c + 4 <= n; c += 4, w += 4 * stride) {
            vstrbq_s32(dst + c, four(p, x, w, w + stride, w + 2 * stride, w + 3 * stride, p->quant + 9 * (c / 4)));
        }
        if (c < n) { /* 1 to 3 channels left: the missing rows repeat the last one, unstored */
            const int8_t *w1 = c + 1 < n ? w + stride : w, *w2 = c + 2 < n ? w + 2 * stride : w;
            vstrbq_p_s32(dst + c, four(p, x, w, w1, w2, w, p->quant + 9 * (c / 4)), vctp32q((uint32_t)(n - c)));
        }
    }
    return MG_OK;
}
