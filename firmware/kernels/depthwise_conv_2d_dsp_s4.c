#include "depthwise_conv_2d_dsp_s4.h"

#include "mg_depthwise_dsp.h"

#if !MG_DSP_NATIVE
/* the signed nibble at bits bit .. bit + 3 of word */
static inline int32_t nibble_at(uint32_t word, int bit)
{
    return (int32_t)(word << (28 - bit)) >> 28;
}
#endif

/* All channels of one output pixel whose taps start at tap[0..taps_even-1]. */
static inline __attribute__((always_inline)) void pixel(const mg_depthwise_conv_2d_dsp_params *p,
                                                        const int8_t *const *tap, int8_t *dst,
                                                        const int lean)
{
    const int32_t channels = p->channels;
    const int32_t out[3] = {p->output_offset, p->act_min, p->act_max};
    const uint32_t *w = (const uint32_t *)__builtin_assume_aligned(p->filter, 4);
    const int32_t *q = p->quant;
    const int8_t *sh = p->shift;
    int32_t c;
    for (c = 0; c < channels; c += 4, q += 8, sh += 4, dst += 4) {
        const int8_t *const *t = tap;
#if MG_DSP_NATIVE
        /* depthwise_conv_2d_dsp_s8's loop, one weight word per tap pair and 4 channels: 22
         * instructions per 8 MACs. The sums come out 4096 times too large. */
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
        {
            const uint32_t *wq = w;
            uint32_t pa, pb, xa, xb, wv, tt;
            __asm__ volatile(
                "1:\n\t"
                "ldrd   %[pa], %[pb], [%[t]], #8\n\t"
                "cmp    %[pa], #0\n\t"
                "beq    2f\n\t"
                "ldr    %[xa], [%[pa], %[c]]\n\t"
                "ldr    %[xb], [%[pb], %[c]]\n\t"
                "ldr    %[wv], [%[w]], #4\n\t"
                "sxtb16 %[pa], %[xa]\n\t"
                "sxtb16 %[pb], %[xb]\n\t"
                "sxtb16 %[xa], %[xa], ror #8\n\t"
                "sxtb16 %[xb], %[xb], ror #8\n\t"
                "pkhbt  %[tt], %[pa], %[pb], lsl #16\n\t"
                "pkhtb  %[pb], %[pb], %[pa], asr #16\n\t"
                "and    %[pa], %[m], %[wv]\n\t"
                "smlad  %[a0], %[tt], %[pa], %[a0]\n\t"
                "and    %[pa], %[m], %[wv], lsl #8\n\t"
                "smlad  %[a2], %[pb], %[pa], %[a2]\n\t"
                "pkhbt  %[tt], %[xa], %[xb], lsl #16\n\t"
                "pkhtb  %[xb], %[xb], %[xa], asr #16\n\t"
                "and    %[pa], %[m], %[wv], lsl #4\n\t"
                "smlad  %[a1], %[tt], %[pa], %[a1]\n\t"
                "and    %[pa], %[m], %[wv], lsl #12\n\t"
                "smlad  %[a3], %[xb], %[pa], %[a3]\n\t"
                "b      1b\n\t"
                "2:\n\t"
                : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [t] "+r"(t), [w] "+r"(wq),
                  [pa] "=&r"(pa), [pb] "=&r"(pb), [xa] "=&r"(xa), [xb] "=&r"(xb), [wv] "=&r"(wv),
                  [tt] "=&r"(tt)
                : [c] "r"(c), [m] "r"(0xF000F000u)
                : "cc", "memory");
            w = wq;
        }
        a0 = q[0] + (a0 >> 12);
        a1 = q[2] + (a1 >> 12);
        a2 = q[4] + (a2 >> 12);
        a3 = q[6] + (a3 >> 12);
#else
        /* elsewhere (host, RV32): plain multiply-adds of the nibbles over the same layout */
        int32_t a0 = q[0], a1 = q[2], a2 = q[4], a3 = q[6];
        {
            int32_t j = p->taps_even / 2;
            do {
                const uint32_t word = mg_read_u32(w);
                const int8_t *xa = t[0] + c, *xb = t[1] + c;
                a0 += nibble_at(word, 12) * xa[0] + nibble_at(word, 28) * xb[0];
                a1 += nibble_at(word, 8) * xa[1] + nibble_at(word, 24) * xb[1];
                a2 += nibble_at(word, 4) * xa[2] + nibble_at(word, 20) * xb[2];
                a3 += nibble_at(word, 0) * xa[3] + nibble_at(word, 16) * xb[3];
                ++w;
                t += 2;
            } while (--j > 0);
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

mg_status mg_depthwise_conv_2d_dsp_s4(const mg_depthwise_conv_2d_dsp_s4_params *p, const int8_t *in, int8_t *out)
{
    return mg_dw_dsp_walk(p, in, out, pixel_any);
}

int32_t mg_depthwise_conv_2d_dsp_s4_scratch_bytes(const mg_depthwise_conv_2d_dsp_s4_params *p)
{
    return mg_dw_dsp_scratch_bytes(p);
}
