#include "depthwise_conv_2d_dsp_s8.h"

#include "mg_depthwise_dsp.h"

/* All channels of one output pixel whose taps start at tap[0..taps_even-1]. */
static inline __attribute__((always_inline)) void pixel(const mg_depthwise_conv_2d_dsp_params *p,
                                                        const int8_t *const *tap, int8_t *dst,
                                                        const int lean)
{
    const int32_t channels = p->channels;
    const int32_t out[3] = {p->output_offset, p->act_min, p->act_max};
#if !MG_DSP_NATIVE
    const int32_t pairs = p->taps_even / 2;
#endif
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
        mg_dw_dsp_out4(q, sh, out, a0, a1, a2, a3, dst, lean);
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

static inline __attribute__((always_inline)) void pixel_any(const mg_depthwise_conv_2d_dsp_params *p,
                                                            const int8_t *const *tap, int8_t *dst)
{
    if (p->lean) {
        pixel_lean(p, tap, dst);
    } else {
        pixel_exact(p, tap, dst);
    }
}

mg_status mg_depthwise_conv_2d_dsp_s8(const mg_depthwise_conv_2d_dsp_params *p, const int8_t *in, int8_t *out)
{
    return mg_dw_dsp_walk(p, in, out, pixel_any);
}

int32_t mg_depthwise_conv_2d_dsp_s8_scratch_bytes(const mg_depthwise_conv_2d_dsp_params *p)
{
    return mg_dw_dsp_scratch_bytes(p);
}
