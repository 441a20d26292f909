#include "conv_2d_rgb_dsp_s8.h"

#include "mg_mm_dsp.h"

/* the window's 27 bytes, row after row, for border pixels (and 1 of slack) */
static int32_t raw_bytes(const mg_conv_2d_rgb_dsp_params *p)
{
    (void)p;
    return 28;
}

/* 4 taps into a group's slot, in sxtb16 order, doubled (a CONV_2D column) */
static inline __attribute__((always_inline)) void widen_word(int16_t *slot, uint32_t w)
{
    mg_write_u32(slot, mg_mm_double16(mg_sxtb16(w)));
    mg_write_u32(slot + 2, mg_mm_double16(mg_sxtb16_ror8(w)));
}

/* A window whose three rows of 9 bytes start at r0, r0 + step and r0 + 2 * step into pixel slot
 * `slot` (doubled), in the tap order the generator laid the weights out in: each row's first 8
 * bytes (two groups a row), then the rows' ninth bytes and a tap of zero weight. */
static __attribute__((noinline)) void window_rows(int16_t *slot, const int8_t *r0, size_t step)
{
#if MG_DSP_NATIVE
    /* unaligned LDR (the rows start anywhere), SXTB16, SADD16, STRD into the column's 8-byte slots */
#define MG_RGB_ROW(AT0, AT1)                                                                    \
    "ldr    %[a], [%[r]]\n\t"                                                                    \
    "ldr    %[b], [%[r], #4]\n\t"                                                                \
    "sxtb16 %[d], %[a], ror #8\n\t"                                                              \
    "sxtb16 %[a], %[a]\n\t"                                                                      \
    "sadd16 %[d], %[d], %[d]\n\t"                                                                \
    "sadd16 %[a], %[a], %[a]\n\t"                                                                \
    "strd   %[a], %[d], [%[s], #" AT0 "]\n\t"                                                    \
    "sxtb16 %[d], %[b], ror #8\n\t"                                                              \
    "sxtb16 %[b], %[b]\n\t"                                                                      \
    "sadd16 %[d], %[d], %[d]\n\t"                                                                \
    "sadd16 %[b], %[b], %[b]\n\t"                                                                \
    "strd   %[b], %[d], [%[s], #" AT1 "]\n\t"
    uint32_t a, b, c, d;
    const int8_t *r = r0;
    __asm__ volatile(MG_RGB_ROW("0", "24")
                     "add    %[r], %[r], %[step]\n\t"
                     MG_RGB_ROW("48", "72")
                     "ldrsb  %[c], [%[r], #8]\n\t"
                     "lsl    %[c], %[c], #1\n\t"          /* (2 r1[8], tap 3: its weight is 0) */
                     "add    %[r], %[r], %[step]\n\t"
                     MG_RGB_ROW("96", "120")
                     "ldrsb  %[a], [%[r0], #8]\n\t"
                     "ldrsb  %[b], [%[r], #8]\n\t"
                     "lsl    %[a], %[a], #1\n\t"
                     "pkhbt  %[a], %[a], %[b], lsl #17\n\t"  /* (2 r0[8], 2 r2[8]) */
                     "strd   %[a], %[c], [%[s], #144]\n\t"
                     : [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [d] "=&r"(d), [r] "+&r"(r)
                     : [r0] "r"(r0), [s] "r"(slot), [step] "r"(step)
                     : "memory");
#undef MG_RGB_ROW
#else
    const int8_t *r1 = r0 + step, *r2 = r1 + step;
    widen_word(slot, mg_read_u32(r0));
    widen_word(slot + 12, mg_read_u32(r0 + 4));
    widen_word(slot + 24, mg_read_u32(r1));
    widen_word(slot + 36, mg_read_u32(r1 + 4));
    widen_word(slot + 48, mg_read_u32(r2));
    widen_word(slot + 60, mg_read_u32(r2 + 4));
    /* (2 r0[8], 2 r2[8]), (2 r1[8], tap 3: anything, its weight is 0) */
    mg_write_u32(slot + 72, (uint32_t)(uint16_t)(2 * r0[8]) | (uint32_t)(uint16_t)(2 * r2[8]) << 16);
    mg_write_u32(slot + 74, (uint32_t)(2 * r1[8]));
#endif
}

static void gather(const mg_conv_2d_rgb_dsp_params *p, const int8_t *in_b, const int8_t *in_end, int16_t *col,
                   int32_t oy, int32_t ox, int32_t n)
{
    const int32_t iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
    const size_t row_step = (size_t)p->dilation_h * (size_t)p->in_w * 3u;
    int32_t j;
    (void)in_end;
    if (ox + n <= p->out_w && iy0 >= 0 && iy0 + 2 * p->dilation_h < p->in_h && ix0 >= 0
        && ix0 + (n - 1) * p->stride_w + 3 <= p->in_w) { /* one output row, inside the image */
        const int8_t *rows = in_b + ((size_t)iy0 * (size_t)p->in_w + (size_t)ix0) * 3u;
        const size_t step = (size_t)p->stride_w * 3u;
        for (j = 0; j < n; ++j, col += 4, rows += step) {
            window_rows(col, rows, row_step);
        }
        return;
    }
    for (j = 0; j < n; ++j, col += 4) { /* pixel by pixel: at a border, the window's bytes padded */
        const int32_t y0 = oy * p->stride_h - p->pad_top, x0 = ox * p->stride_w - p->pad_left;
        if (y0 >= 0 && y0 + 2 * p->dilation_h < p->in_h && x0 >= 0 && x0 + 3 <= p->in_w) {
            window_rows(col, in_b + ((size_t)y0 * (size_t)p->in_w + (size_t)x0) * 3u, row_step);
        } else {
            int8_t *raw = p->scratch + mg_conv_mm_col_bytes(p->groups, 3);
            mg_conv_mm_window(p, in_b, raw, y0, x0);
            window_rows(col, raw, 9);
        }
        if (++ox == p->out_w) {
            ox = 0;
            ++oy;
        }
    }
}

mg_status mg_conv_2d_rgb_dsp_s8(const mg_conv_2d_rgb_dsp_params *p, const int8_t *in, int8_t *out)
{
    if (!mg_conv_mm_ok(p, in, out, 27) || p->in_c != 3 || p->filter_h != 3 || p->filter_w != 3
        || p->dilation_w != 1 || p->groups != 7) {
        return MG_ERR_ARG;
    }
    mg_conv_mm_run(p, in, out, mg_conv_mm_col_bytes(p->groups, 3) + raw_bytes(p), gather);
    return MG_OK;
}

int32_t mg_conv_2d_rgb_dsp_s8_scratch_bytes(const mg_conv_2d_rgb_dsp_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return mg_conv_mm_scratch_bytes(p, mg_conv_mm_col_bytes(p->groups, 3) + raw_bytes(p));
}
