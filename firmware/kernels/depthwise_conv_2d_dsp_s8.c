#include "depthwise_conv_2d_dsp_s8.h"

#include "mg_dsp.h"

/* All channels of one output pixel whose taps start at tap[0..taps_even-1]. */
static inline __attribute__((always_inline)) void pixel(const mg_depthwise_conv_2d_dsp_params *p,
                                                        const int8_t *const *tap, int8_t *dst,
                                                        const int lean)
{
    const int32_t channels = p->channels;
#if !MG_DSP_NATIVE
    const int32_t pairs = p->taps_even / 2;
#endif
    const int32_t out_off = p->output_offset, lo = p->act_min, hi = p->act_max;
    const uint32_t *w = (const uint32_t *)__builtin_assume_aligned(p->filter, 4);
    const int32_t *q = p->quant;
    const int8_t *sh = p->shift;
    int32_t c;
    for (c = 0; c < channels; c += 4, q += 8, sh += 4, dst += 4) {
        int32_t a0 = q[0], a1 = q[2], a2 = q[4], a3 = q[6];
        const int8_t *const *t = tap;
#if MG_DSP_NATIVE
        /* 22 instructions per 8 MACs; GCC 12 spills in the C form. tap[] ends with NULL. */
        {
            const uint32_t *wq = w;
            uint32_t pa, pb, xa, xb, wa, wb, tt;
            __asm__ volatile(
                "1:\n\t"
                "ldrd   %[pa], %[pb], [%[t]], #8\n\t"
                "cmp    %[pa], #0\n\t"
                "beq    2f\n\t"
                "ldr    %[xa], [%[pa], %[c]]\n\t"
                "ldr    %[xb], [%[pb], %[c]]\n\t"
                "ldrd   %[wa], %[wb], [%[w]], #8\n\t"
                "sxtb16 %[pa], %[xa]\n\t"
                "sxtb16 %[pb], %[xb]\n\t"
                "sxtb16 %[xa], %[xa], ror #8\n\t"
                "sxtb16 %[xb], %[xb], ror #8\n\t"
                "pkhbt  %[tt], %[pa], %[pb], lsl #16\n\t"
                "pkhtb  %[pb], %[pb], %[pa], asr #16\n\t"
                "sxtb16 %[pa], %[wa]\n\t"
                "smlad  %[a0], %[tt], %[pa], %[a0]\n\t"
                "sxtb16 %[pa], %[wb]\n\t"
                "smlad  %[a2], %[pb], %[pa], %[a2]\n\t"
                "pkhbt  %[tt], %[xa], %[xb], lsl #16\n\t"
                "pkhtb  %[xb], %[xb], %[xa], asr #16\n\t"
                "sxtb16 %[pa], %[wa], ror #8\n\t"
                "smlad  %[a1], %[tt], %[pa], %[a1]\n\t"
                "sxtb16 %[pa], %[wb], ror #8\n\t"
                "smlad  %[a3], %[xb], %[pa], %[a3]\n\t"
                "b      1b\n\t"
                "2:\n\t"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [t] "+r"(t), [w] "+r"(wq),
                  [pa] "=&r"(pa), [pb] "=&r"(pb), [xa] "=&r"(xa), [xb] "=&r"(xb), [wa] "=&r"(wa),
                  [wb] "=&r"(wb), [tt] "=&r"(tt)
                : [c] "r"(c)
                : "cc", "memory");
            w = wq;
        }
#else
        /* elsewhere (host, RV32): plain multiply-adds over the same layout, four channels held
         * in registers; word 0 of a pair holds w(t0, c), w(t0, c+1), w(t1, c), w(t1, c+1) */
        {
            const int8_t *w8 = (const int8_t *)(const void *)w;
            int32_t j = pairs;
            do {
                const int8_t *xa = t[0] + c, *xb = t[1] + c;
                a0 += (int32_t)xa[0] * w8[0] + (int32_t)xb[0] * w8[2];
                a1 += (int32_t)xa[1] * w8[1] + (int32_t)xb[1] * w8[3];
                a2 += (int32_t)xa[2] * w8[4] + (int32_t)xb[2] * w8[6];
                a3 += (int32_t)xa[3] * w8[5] + (int32_t)xb[3] * w8[7];
                w8 += 8;
                t += 2;
            } while (--j > 0);
            w = (const uint32_t *)(const void *)w8;
        }
#endif
        {
            /* every constant is read before the first int8 store, which could alias them */
            const int32_t v0 = MG_DSP_OUT(lean, a0, q[1], sh[0], out_off, lo, hi);
            const int32_t v1 = MG_DSP_OUT(lean, a1, q[3], sh[1], out_off, lo, hi);
            const int32_t v2 = MG_DSP_OUT(lean, a2, q[5], sh[2], out_off, lo, hi);
            const int32_t v3 = MG_DSP_OUT(lean, a3, q[7], sh[3], out_off, lo, hi);
            dst[0] = (int8_t)v0;
            dst[1] = (int8_t)v1;
            dst[2] = (int8_t)v2;
            dst[3] = (int8_t)v3;
        }
    }
}

static void pixel_lean(const mg_depthwise_conv_2d_dsp_params *p, const int8_t *const *tap, int8_t *dst)
{
    pixel(p, tap, dst, 1);
}

static void pixel_exact(const mg_depthwise_conv_2d_dsp_params *p, const int8_t *const *tap, int8_t *dst)
{
    pixel(p, tap, dst, 0);
}

mg_status mg_depthwise_conv_2d_dsp_s8(const mg_depthwise_conv_2d_dsp_params *p, const int8_t *in, int8_t *out)
{
    const int8_t *tap[MG_DW_DSP_MAX_TAPS + 2]; /* + a NULL pair ending the list */
    mg_row_stream rows;
    int8_t *pad_row;
    int32_t ox, i, taps;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->quant == NULL || p->shift == NULL || p->scratch == NULL
        || p->channels <= 0 || p->channels % 4 != 0 || p->taps_even % 2 != 0
        || p->taps_even < p->filter_h * p->filter_w || p->taps_even > MG_DW_DSP_MAX_TAPS
        || ((uintptr_t)p->filter & 3u) != 0) {
        return MG_ERR_ARG;
    }
    taps = p->filter_h * p->filter_w;
    pad_row = p->scratch;
    for (i = 0; i < p->channels; ++i) {
        pad_row[i] = (int8_t)p->pad_value;
    }
    for (i = taps; i < p->taps_even; ++i) {
        tap[i] = pad_row; /* meets zero weights */
    }
    tap[p->taps_even] = NULL;
    tap[p->taps_even + 1] = NULL;
    MG_STREAM_CHANNELS(&rows, p, in, out, p->scratch + p->channels); /* after the row of the zero point */
    while (mg_stream_next(&rows)) {
        const int32_t iy0 = rows.oy * p->stride_h - p->pad_top;
        for (ox = 0; ox < p->out_w; ++ox) {
            const int32_t ix0 = ox * p->stride_w - p->pad_left;
            int32_t fy, fx, t = 0;
            for (fy = 0; fy < p->filter_h; ++fy) {
                const int32_t iy = iy0 + fy * p->dilation_h;
                for (fx = 0; fx < p->filter_w; ++fx, ++t) {
                    const int32_t ix = ix0 + fx * p->dilation_w;
                    tap[t] = (iy >= 0 && iy < p->in_h && ix >= 0 && ix < p->in_w)
                                 ? rows.in + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)p->channels
                                 : pad_row;
                }
            }
            if (p->lean) {
                pixel_lean(p, tap, rows.row + ox * p->channels);
            } else {
                pixel_exact(p, tap, rows.row + ox * p->channels);
            }
        }
    }
    return MG_OK;
}

int32_t mg_depthwise_conv_2d_dsp_s8_scratch_bytes(const mg_depthwise_conv_2d_dsp_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->channels + p->out_w * p->channels;
}
