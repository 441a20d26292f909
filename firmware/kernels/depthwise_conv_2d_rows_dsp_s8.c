#include "depthwise_conv_2d_rows_dsp_s8.h"

#include "mg_dsp.h"

/* One tap of a group in the table: its weights and where its input word is, relative to the
 * pixel's top-left tap. DSP: w0 = channels (0, 2), w1 = (1, 3) as int16 lanes (SXTB16 of the
 * weight word and of its odd bytes). Elsewhere w0 is the weight word itself (bytes c0..c3). */
typedef struct {
    uint32_t w0, w1;
    int32_t offset;
} dw_tap;

/* The table of one output row: its taps inside the image (column-major: column fx holds `rows`
 * entries), then per group the output stage's constants and the zero point's share of what the
 * walk leaves out. */
typedef struct {
    dw_tap *taps;
    int32_t *column;    /* [filter_w][4]: pad_value * the column's weights in the rows walked */
    int32_t bias[4];    /* folded bias + pad_value * the weights of the rows not walked */
    int32_t round[4];   /* 2^(s-1) + output zero point * 2^s: the rounding with the zero point */
    int32_t multiplier[4];
    uint32_t shift[4];
    int32_t rows;       /* filter rows inside the image */
} dw_row_table;

/* The row's taps' offsets (the same for every group): rows fy_lo .. fy_lo + t->rows - 1. */
static void table_offsets(const mg_depthwise_conv_2d_rows_dsp_params *p, int32_t fy_lo, dw_row_table *t)
{
    const int32_t row_step = p->dilation_h * p->in_w * p->channels, col_step = p->dilation_w * p->channels;
    int32_t fx, fy;
    dw_tap *tap = t->taps;
    for (fx = 0; fx < p->filter_w; ++fx) {
        for (fy = fy_lo; fy < fy_lo + t->rows; ++fy, ++tap) {
            tap->offset = fy * row_step + fx * col_step;
        }
    }
}

/* Group `group`'s weights of the row's taps, its output stage and the zero point's shares. */
static void table_group(const mg_depthwise_conv_2d_rows_dsp_params *p, int32_t group, int32_t fy_lo,
                        int32_t output_offset, dw_row_table *t)
{
    const int32_t taps = p->filter_h * p->filter_w, pad = p->pad_value;
    const int8_t *w = p->filter + (size_t)group * (size_t)taps * 4u;
    const int32_t *q = p->quant + 8 * group;
    const int8_t *sh = p->shift + 4 * group;
    dw_tap *tap = t->taps;
    int32_t fy, fx, k;
    for (k = 0; k < 4; ++k) {
        t->bias[k] = q[2 * k];
        t->multiplier[k] = q[2 * k + 1];
        t->shift[k] = (uint32_t)sh[k];
        t->round[k] = (int32_t)((1u << (sh[k] - 1)) + (uint32_t)output_offset * (1u << sh[k]));
    }
    for (fx = 0; fx < p->filter_w; ++fx) {
        uint32_t even = 0, odd = 0; /* int16 lanes: the column's weight sums of channels (0, 2), (1, 3) */
        const int8_t *wc = w + 4 * (fx * p->filter_h + fy_lo);
        for (fy = 0; fy < t->rows; ++fy, ++tap, wc += 4) {
            const uint32_t word = mg_read_u32(wc);
#if MG_DSP_NATIVE
            tap->w0 = mg_sxtb16(word);
            tap->w1 = mg_sxtb16_ror8(word);
#else
            tap->w0 = word;
#endif
            even = mg_sxtab16(even, word);
            odd = mg_sxtab16_ror8(odd, word);
        }
        t->column[4 * fx] = pad * (int16_t)(even & 0xFFFFu);
        t->column[4 * fx + 1] = pad * (int16_t)(odd & 0xFFFFu);
        t->column[4 * fx + 2] = pad * (int16_t)(even >> 16);
        t->column[4 * fx + 3] = pad * (int16_t)(odd >> 16);
    }
    if (t->rows < p->filter_h) {
        /* a row at the top or bottom edge: the taps above or below the image read the zero point */
        for (fy = 0; fy < p->filter_h; ++fy) {
            if (fy < fy_lo || fy >= fy_lo + t->rows) {
                for (fx = 0; fx < p->filter_w; ++fx) {
                    for (k = 0; k < 4; ++k) {
                        t->bias[k] += pad * w[4 * (fx * p->filter_h + fy) + k];
                    }
                }
            }
        }
    }
}

/* acc[0..3] += the taps' products; `at` is the input byte address of the pixel's top-left tap
 * (it may lie outside the image: only the taps' addresses are read), n > 0 taps. */
static inline __attribute__((always_inline)) void mac_taps(const dw_tap *tap, int32_t n, uintptr_t at,
                                                           int32_t acc[4])
{
#if MG_DSP_NATIVE
    int32_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    uint32_t w0, w1, off, x, xe;
    /* 10 instructions a tap (two taps a turn; an odd count enters at the second) */
    __asm__ volatile(
        "lsrs   %[n], %[n], #1\n\t"
        "bcc    1f\n\t"
        "adds   %[n], %[n], #1\n\t"
        "b      2f\n\t"
        "1:\n\t"
        "ldrd   %[w0], %[w1], [%[t]], #12\n\t"
        "ldr    %[off], [%[t], #-4]\n\t"
        "ldr    %[x], [%[at], %[off]]\n\t"
        "sxtb16 %[xe], %[x]\n\t"
        "sxtb16 %[x], %[x], ror #8\n\t"
        "smlabb %[a0], %[xe], %[w0], %[a0]\n\t"
        "smlatt %[a2], %[xe], %[w0], %[a2]\n\t"
        "smlabb %[a1], %[x], %[w1], %[a1]\n\t"
        "smlatt %[a3], %[x], %[w1], %[a3]\n\t"
        "2:\n\t"
        "ldrd   %[w0], %[w1], [%[t]], #12\n\t"
        "ldr    %[off], [%[t], #-4]\n\t"
        "ldr    %[x], [%[at], %[off]]\n\t"
        "sxtb16 %[xe], %[x]\n\t"
        "sxtb16 %[x], %[x], ror #8\n\t"
        "smlabb %[a0], %[xe], %[w0], %[a0]\n\t"
        "smlatt %[a2], %[xe], %[w0], %[a2]\n\t"
        "smlabb %[a1], %[x], %[w1], %[a1]\n\t"
        "smlatt %[a3], %[x], %[w1], %[a3]\n\t"
        "subs   %[n], %[n], #1\n\t"
        "bne    1b\n\t"
        : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [t] "+r"(tap), [n] "+r"(n),
          [w0] "=&r"(w0), [w1] "=&r"(w1), [off] "=&r"(off), [x] "=&r"(x), [xe] "=&r"(xe)
        : [at] "r"(at)
        : "cc", "memory");
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
#else
    /* elsewhere (host, RV32): byte loads of the weight word and of the input word */
    do {
        const int8_t *w8 = (const int8_t *)(const void *)&tap->w0;
        const int8_t *x8 = (const int8_t *)(at + (uintptr_t)(intptr_t)tap->offset);
        acc[0] += (int32_t)x8[0] * w8[0];
        acc[1] += (int32_t)x8[1] * w8[1];
        acc[2] += (int32_t)x8[2] * w8[2];
        acc[3] += (int32_t)x8[3] * w8[3];
        ++tap;
    } while (--n > 0);
#endif
}

/* mg_requantize_rs with the output zero point folded into the rounding term, saturated to int8
 * (the activation range is all of int8). */
static inline __attribute__((always_inline)) int8_t out_stage(int32_t acc, int32_t multiplier, int32_t round,
                                                              uint32_t shift)
{
    return (int8_t)mg_ssat8((mg_smmlar(acc + acc, multiplier, round) - (int32_t)((uint32_t)acc >> 31)) >> shift);
}

/* An edge pixel of a group (outside ox_lo .. ox_hi - 1): it walks only its columns inside the
 * image and adds the others' zero-point shares. `at` is its top-left tap's address (it may lie
 * outside the image: only the taps' addresses are read). */
static void edge_pixel(const mg_depthwise_conv_2d_rows_dsp_params *p, const dw_row_table *t, int32_t ix0,
                       uintptr_t at, int8_t *dst)
{
    int32_t acc[4] = {t->bias[0], t->bias[1], t->bias[2], t->bias[3]};
    int32_t fx_lo = 0, fx_hi = p->filter_w, fx, k;
    while (fx_lo < fx_hi && ix0 + fx_lo * p->dilation_w < 0) {
        ++fx_lo;
    }
    while (fx_hi > fx_lo && ix0 + (fx_hi - 1) * p->dilation_w >= p->in_w) {
        --fx_hi;
    }
    for (fx = 0; fx < p->filter_w; ++fx) {
        if (fx < fx_lo || fx >= fx_hi) {
            for (k = 0; k < 4; ++k) {
                acc[k] += t->column[4 * fx + k];
            }
        }
    }
    if (t->rows > 0 && fx_hi > fx_lo) {
        mac_taps(t->taps + fx_lo * t->rows, (fx_hi - fx_lo) * t->rows, at, acc);
    }
    for (k = 0; k < 4; ++k) {
        dst[k] = out_stage(acc[k], t->multiplier[k], t->round[k], t->shift[k]);
    }
}

/* The pixels ox_lo .. ox_hi - 1 of a group, every column inside the image; `at` is pixel ox_lo's
 * top-left tap address, 4 int8 outputs a pixel from dst on. */
static void interior(const mg_depthwise_conv_2d_rows_dsp_params *p, const dw_row_table *t, uintptr_t at,
                     int8_t *dst)
{
    const int32_t taps = t->rows * p->filter_w;
    const uintptr_t step = (uintptr_t)(p->stride_w * p->channels);
    const int32_t channels = p->channels;
    int32_t ox;
    for (ox = p->ox_lo; ox < p->ox_hi; ++ox, at += step, dst += channels) {
        int32_t acc[4] = {t->bias[0], t->bias[1], t->bias[2], t->bias[3]};
        mac_taps(t->taps, taps, at, acc);
        dst[0] = out_stage(acc[0], t->multiplier[0], t->round[0], t->shift[0]);
        dst[1] = out_stage(acc[1], t->multiplier[1], t->round[1], t->shift[1]);
        dst[2] = out_stage(acc[2], t->multiplier[2], t->round[2], t->shift[2]);
        dst[3] = out_stage(acc[3], t->multiplier[3], t->round[3], t->shift[3]);
    }
}

/* Output row `iy0` (its top tap row) of the image `in`, all channels, into `row`. */
static void output_row(const mg_depthwise_conv_2d_rows_dsp_params *p, const int8_t *in, int32_t iy0, int8_t *row,
                       dw_row_table *t)
{
    const int32_t channels = p->channels, pixel_step = p->stride_w * channels;
    int32_t ox, fy_lo = 0, fy_hi = p->filter_h, group;
    while (fy_lo < fy_hi && iy0 + fy_lo * p->dilation_h < 0) {
        ++fy_lo;
    }
    while (fy_hi > fy_lo && iy0 + (fy_hi - 1) * p->dilation_h >= p->in_h) {
        --fy_hi;
    }
    t->rows = fy_hi - fy_lo;
    table_offsets(p, fy_lo, t);
    for (group = 0; group < channels / 4; ++group) {
        /* the input address of pixel 0's top-left tap: it may lie outside the image */
        const uintptr_t at0 = (uintptr_t)in + (uintptr_t)(intptr_t)((iy0 * p->in_w - p->pad_left) * channels + 4 * group);
        table_group(p, group, fy_lo, p->output_offset, t);
        for (ox = 0; ox < p->out_w; ++ox) {
            int8_t *dst = row + ox * channels + 4 * group;
            const uintptr_t at = at0 + (uintptr_t)(ox * pixel_step);
            if (ox != p->ox_lo || p->ox_hi <= p->ox_lo) {
                edge_pixel(p, t, ox * p->stride_w - p->pad_left, at, dst);
            } else {
                interior(p, t, at, dst);
                ox = p->ox_hi - 1;
            }
        }
    }
}

mg_status mg_depthwise_conv_2d_rows_dsp_s8(const mg_depthwise_conv_2d_rows_dsp_params *p, const int8_t *in,
                                           int8_t *out)
{
    mg_row_stream rows;
    dw_row_table table;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->quant == NULL || p->shift == NULL
        || p->scratch == NULL
        || p->channels <= 0 || p->channels % 4 != 0 || p->filter_h <= 0 || p->filter_w <= 0
        || p->filter_h * p->filter_w > MG_DW_ROWS_MAX_TAPS || ((uintptr_t)p->quant & 3u) != 0
        || ((uintptr_t)p->scratch & 3u) != 0) {
        return MG_ERR_ARG;
    }
    /* the table after the output row (out_w * channels, a multiple of 4) */
    table.taps = (dw_tap *)(void *)(p->scratch + p->out_w * p->channels);
    table.column = (int32_t *)(void *)(table.taps + p->filter_h * p->filter_w);
    MG_STREAM_CHANNELS(&rows, p, in, out, p->scratch);
    while (mg_stream_next(&rows)) {
        const int32_t iy0 = rows.oy * p->stride_h - p->pad_top;
        output_row(p, rows.in, iy0, rows.row, &table);
    }
    return MG_OK;
}

int32_t mg_depthwise_conv_2d_rows_dsp_s8_scratch_bytes(const mg_depthwise_conv_2d_rows_dsp_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->out_w * p->channels + 12 * p->filter_h * p->filter_w + 16 * p->filter_w;
}
