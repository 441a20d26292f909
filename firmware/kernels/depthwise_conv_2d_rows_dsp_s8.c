#include "depthwise_conv_2d_rows_dsp_s8.h"

#include "mg_dsp.h"

/* One tap of a group in the row's table: its weights and where an interior pixel's input word is,
 * relative to the pixel's top-left tap. DSP: w0 = channels (0, 2), w1 = (1, 3) as int16 lanes
 * (SXTB16 of the weight word and of its odd bytes). Elsewhere w0 is the weight word itself. */
typedef struct {
    uint32_t w0, w1;
    int32_t offset;
} dw_tap;

/* A group's output stage, laid out for the DSP path's loads: the accumulators' start, then per
 * channel {multiplier, rounding term 2^(s-1) + output zero point * 2^s}, then the 4 right shifts s
 * as bytes of one word (channel 0 lowest). */
typedef struct {
    int32_t bias[4]; /* folded bias + pad_value * the weights of the filter rows outside the image */
    int32_t stage[8];
    uint32_t shifts;
} dw_group_stage;

/* One output row's walk: its taps (filter rows inside the image, column-major), each edge pixel's
 * own offsets for them, and the current group's output stage. */
typedef struct {
    dw_tap *taps;
    int32_t *edge_offsets; /* [edge pixels][taps]: the tap's offset, or the zero-point row's */
    const int8_t *pad_row; /* channels bytes of the input zero point */
    dw_group_stage g;
    uint32_t inside;       /* bit fy: filter row fy lies inside the image */
    uint32_t walked;       /* bit t: tap t (column-major) is in the table */
    int32_t rows, count;   /* how many do; taps walked: rows * filter_w */
} dw_row_walk;

/* The walk of the output row whose top tap row is iy0: which filter rows lie inside the image,
 * their taps' offsets (the same for every group) and the edge pixels' offsets, whose columns
 * outside the image read the zero-point row. */
static void walk_row(const mg_depthwise_conv_2d_rows_dsp_params *p, uintptr_t at0, int32_t iy0, dw_row_walk *w)
{
    const int32_t row_step = p->dilation_h * p->in_w * p->channels, col_step = p->dilation_w * p->channels;
    const int32_t edges = p->out_w - (p->ox_hi - p->ox_lo);
    int32_t fx, fy, e, n = 0;
    int32_t *off = w->edge_offsets;
    w->inside = 0;
    w->rows = 0;
    for (fy = 0; fy < p->filter_h; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_h;
        if (iy >= 0 && iy < p->in_h) {
            w->inside |= 1u << fy;
            ++w->rows;
        }
    }
    w->walked = 0;
    for (fx = 0; fx < p->filter_w; ++fx) {
        for (fy = 0; fy < p->filter_h; ++fy) {
            if ((w->inside >> fy) & 1u) {
                w->walked |= 1u << (fx * p->filter_h + fy);
                w->taps[n++].offset = fy * row_step + fx * col_step;
            }
        }
    }
    w->count = n;
    for (e = 0; e < edges; ++e) {
        const int16_t *edge = p->edges + 3 * e; /* fx_lo, fx_hi, ox */
        /* the same group's channels of the zero-point row, relative to this pixel's top-left tap
         * (both lie in the arena: the difference fits an int32) */
        const int32_t pad = (int32_t)((intptr_t)w->pad_row
                                      - (intptr_t)(at0 + (uintptr_t)(edge[2] * p->stride_w * p->channels)));
        for (n = 0; n < w->count; ++n) {
            fx = n / w->rows;
            *off++ = (fx >= edge[0] && fx < edge[1]) ? w->taps[n].offset : pad;
        }
    }
}

/* Group `group`'s weights of the row's taps and its output stage; the weights of the filter rows
 * outside the image go into the bias (they meet the input zero point). */
static void walk_group(const mg_depthwise_conv_2d_rows_dsp_params *p, int32_t group, dw_row_walk *w)
{
    const int32_t taps = p->filter_h * p->filter_w;
    /* the per-call constants are 4-aligned (model_weights.c): word loads, also on RV32 */
    const int8_t *wt = (const int8_t *)__builtin_assume_aligned(p->filter, 4) + (size_t)group * (size_t)taps * 4u;
    const int32_t *q = p->quant + 8 * group;
    const uint32_t shifts = mg_read_u32((const int8_t *)__builtin_assume_aligned(p->shift, 4) + 4 * group);
    const uint32_t round = (uint32_t)p->round_unit;
    uint32_t even = 0, odd = 0; /* int16 lanes: the outside rows' weight sums of channels (0, 2), (1, 3) */
    uint32_t walked = w->walked;
    dw_tap *tap = w->taps;
    int32_t t;
    for (t = 0; t < taps; ++t, wt += 4, walked >>= 1) {
        const uint32_t word = mg_read_u32(wt);
        if (walked & 1u) {
#if MG_DSP_NATIVE
            tap->w0 = mg_sxtb16(word);
            tap->w1 = mg_sxtb16_ror8(word);
#else
            tap->w0 = word;
#endif
            ++tap;
        } else {
            even = mg_sxtab16(even, word);
            odd = mg_sxtab16_ror8(odd, word);
        }
    }
    w->g.bias[0] = q[0] + p->pad_value * (int16_t)(even & 0xFFFFu);
    w->g.bias[1] = q[2] + p->pad_value * (int16_t)(odd & 0xFFFFu);
    w->g.bias[2] = q[4] + p->pad_value * (int16_t)(even >> 16);
    w->g.bias[3] = q[6] + p->pad_value * (int16_t)(odd >> 16);
    w->g.stage[0] = q[1];
    w->g.stage[1] = (int32_t)(round << ((shifts & 0xFFu) - 1u));
    w->g.stage[2] = q[3];
    w->g.stage[3] = (int32_t)(round << (((shifts >> 8) & 0xFFu) - 1u));
    w->g.stage[4] = q[5];
    w->g.stage[5] = (int32_t)(round << (((shifts >> 16) & 0xFFu) - 1u));
    w->g.stage[6] = q[7];
    w->g.stage[7] = (int32_t)(round << ((shifts >> 24) - 1u));
    w->g.shifts = shifts;
}

#if MG_DSP_NATIVE
/* One tap, 9 instructions: its table entry in r4-r6 (one LDM), its input word, 4 multiply-adds
 * (the even lanes land in r6 once the offset is used). */
#define DW_TAP                                  \
    "ldmia  %[t]!, {r4, r5, r6}\n\t"            \
    "ldr    %[x], [%[at], r6]\n\t"              \
    "sxtb16 r6, %[x]\n\t"                       \
    "sxtb16 %[x], %[x], ror #8\n\t"             \
    "smlabb %[a0], r6, r4, %[a0]\n\t"           \
    "smlatt %[a2], r6, r4, %[a2]\n\t"           \
    "smlabb %[a1], %[x], r5, %[a1]\n\t"         \
    "smlatt %[a3], %[x], r5, %[a3]\n\t"
/* The same with the offset from the pixel's own list: 11 instructions (the weights one word at a
 * time, to leave the compiler registers enough). */
#define DW_TAP_LISTED                           \
    "ldr    r6, [%[o]], #4\n\t"                 \
    "ldr    %[x], [%[at], r6]\n\t"              \
    "ldr    r4, [%[t]], #4\n\t"                 \
    "sxtb16 r6, %[x]\n\t"                       \
    "sxtb16 %[x], %[x], ror #8\n\t"             \
    "smlabb %[a0], r6, r4, %[a0]\n\t"           \
    "smlatt %[a2], r6, r4, %[a2]\n\t"           \
    "ldr    r4, [%[t]], #8\n\t"                 \
    "smlabb %[a1], %[x], r4, %[a1]\n\t"         \
    "smlatt %[a3], %[x], r4, %[a3]\n\t"
/* Two taps a turn; an odd count enters at the second. */
#define DW_TURNS(TAP)                           \
    "lsrs   %[n], %[n], #1\n\t"                 \
    "bcc    1f\n\t"                             \
    "adds   %[n], %[n], #1\n\t"                 \
    "b      2f\n\t"                             \
    "1:\n\t" TAP "2:\n\t" TAP                   \
    "subs   %[n], %[n], #1\n\t"                 \
    "bne    1b\n\t"
/* One channel's output stage: {multiplier, rounding term} loaded, the shift in s's low byte. */
#define DW_OUT(A, BYTE)                                       \
    "ldrd   %[m], %[r], [%[st]], #8\n\t"                      \
    "add    %[v], %[" A "], %[" A "]\n\t"                    \
    "smmlar %[v], %[v], %[m], %[r]\n\t"                      \
    "sub    %[v], %[v], %[" A "], lsr #31\n\t"               \
    "asr    %[v], %[v], %[s]\n\t"                            \
    "ssat   %[v], #8, %[v]\n\t"                              \
    "strb   %[v], [%[dst], #" BYTE "]\n\t"
#endif

/* One pixel of a group: the n > 0 taps' products added to the group's bias, the input word of a
 * tap at `at` + its offset (the tap's, or with `listed` the pixel's own list's), then the output
 * stage: 4 int8 to dst. `at` is the pixel's top-left tap: it may lie outside the image. */
static inline __attribute__((always_inline)) void pixel(const dw_row_walk *w, const dw_tap *tap, int32_t n,
                                                        const int32_t *listed, uintptr_t at, int8_t *dst)
{
    int32_t a0 = w->g.bias[0], a1 = w->g.bias[1], a2 = w->g.bias[2], a3 = w->g.bias[3];
#if MG_DSP_NATIVE
    {
        uint32_t x;
        if (listed == NULL) {
            __asm__ volatile(DW_TURNS(DW_TAP)
                             : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [t] "+r"(tap),
                               [n] "+r"(n), [x] "=&r"(x)
                             : [at] "r"(at)
                             : "r4", "r5", "r6", "cc", "memory");
        } else {
            __asm__ volatile(DW_TURNS(DW_TAP_LISTED)
                             : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [t] "+r"(tap),
                               [o] "+r"(listed), [n] "+r"(n), [x] "=&r"(x)
                             : [at] "r"(at)
                             : "r4", "r6", "cc", "memory");
        }
    }
    {
        const int32_t *st = w->g.stage;
        uint32_t v, s, m, r;
        __asm__ volatile(
            "ldr    %[s], [%[st], #32]\n\t"
            DW_OUT("a0", "0") "lsr    %[s], %[s], #8\n\t"
            DW_OUT("a1", "1") "lsr    %[s], %[s], #8\n\t"
            DW_OUT("a2", "2") "lsr    %[s], %[s], #8\n\t"
            DW_OUT("a3", "3")
            : [st] "+r"(st), [v] "=&r"(v), [s] "=&r"(s), [m] "=&r"(m), [r] "=&r"(r)
            : [a0] "r"(a0), [a1] "r"(a1), [a2] "r"(a2), [a3] "r"(a3), [dst] "r"(dst)
            : "memory");
    }
#else
    /* elsewhere (host, RV32): byte loads of the weight word and of the input word, then
     * mg_requantize_rs with the output zero point folded into the rounding term */
    int32_t acc[4];
    int32_t k;
    do {
        const int8_t *w8 = (const int8_t *)(const void *)&tap->w0;
        const int32_t offset = listed != NULL ? *listed++ : tap->offset;
        const int8_t *x8 = (const int8_t *)(at + (uintptr_t)(intptr_t)offset);
        a0 += (int32_t)x8[0] * w8[0];
        a1 += (int32_t)x8[1] * w8[1];
        a2 += (int32_t)x8[2] * w8[2];
        a3 += (int32_t)x8[3] * w8[3];
        ++tap;
    } while (--n > 0);
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
    for (k = 0; k < 4; ++k) {
        const int32_t v = mg_smmlar(acc[k] + acc[k], w->g.stage[2 * k], w->g.stage[2 * k + 1])
                          - (int32_t)((uint32_t)acc[k] >> 31);
        dst[k] = (int8_t)mg_ssat8(v >> ((w->g.shifts >> (8 * k)) & 0xFFu));
    }
#endif
}

/* An edge pixel: its own offsets, whose columns outside the image read the zero-point row. Not
 * inlined: one copy serves every such pixel. */
static __attribute__((noinline)) void edge_pixel(const dw_row_walk *w, const int32_t *offsets, uintptr_t at,
                                                 int8_t *dst)
{
    if (offsets == NULL) {
        __builtin_unreachable(); /* the table's walk is the interior's */
    }
    pixel(w, w->taps, w->count, offsets, at, dst);
}

/* The pixels ox_lo .. ox_hi - 1 of a group: every column inside the image, the table's offsets. */
static void interior(const mg_depthwise_conv_2d_rows_dsp_params *p, const dw_row_walk *w, uintptr_t at, int8_t *dst)
{
    const int32_t channels = p->channels, count = w->count;
    const uintptr_t step = (uintptr_t)(p->stride_w * channels);
    const dw_tap *taps = w->taps;
    const int8_t *end = dst + (p->ox_hi - p->ox_lo) * channels;
    for (; dst != end; at += step, dst += channels) {
        pixel(w, taps, count, NULL, at, dst);
    }
}

/* Output row `iy0` (its top tap row) of the image `in`, all channels, into `row`; MG_ERR_ARG when
 * no filter row lies inside the image (a dilated filter straddling it: the generator does not
 * choose this kernel then). */
static mg_status output_row(const mg_depthwise_conv_2d_rows_dsp_params *p, const int8_t *in, int32_t iy0, int8_t *row,
                       dw_row_walk *w)
{
    const int32_t channels = p->channels, pixel_step = p->stride_w * channels;
    /* the input address of pixel 0's top-left tap, group 0: it may lie outside the image */
    const uintptr_t at0 = (uintptr_t)in + (uintptr_t)(intptr_t)((iy0 * p->in_w - p->pad_left) * channels);
    int32_t group;
    walk_row(p, at0, iy0, w);
    if (w->count == 0) {
        return MG_ERR_ARG;
    }
    for (group = 0; group < channels / 4; ++group) {
        const int32_t *offsets = w->edge_offsets;
        int8_t *dst = row + 4 * group;
        int32_t ox;
        walk_group(p, group, w);
        for (ox = 0; ox < p->out_w; ++ox, dst += channels) {
            const uintptr_t at = at0 + (uintptr_t)(4 * group + ox * pixel_step);
            if (ox != p->ox_lo || p->ox_hi <= p->ox_lo) {
                edge_pixel(w, offsets, at, dst);
                offsets += w->count;
            } else {
                interior(p, w, at, dst);
                dst += (p->ox_hi - 1 - ox) * channels;
                ox = p->ox_hi - 1;
            }
        }
    }
    return MG_OK;
}

mg_status mg_depthwise_conv_2d_rows_dsp_s8(const mg_depthwise_conv_2d_rows_dsp_params *p, const int8_t *in,
                                           int8_t *out)
{
    mg_row_stream rows;
    dw_row_walk walk;
    int8_t *pad_row;
    int32_t taps, c;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->quant == NULL || p->shift == NULL
        || p->scratch == NULL || p->channels <= 0 || p->channels % 4 != 0 || p->filter_h <= 0 || p->filter_w <= 0
        || p->filter_h * p->filter_w > MG_DW_ROWS_MAX_TAPS
        || (((uintptr_t)p->filter | (uintptr_t)p->shift | (uintptr_t)p->scratch) & 3u) != 0
        || (p->edges == NULL && p->out_w > p->ox_hi - p->ox_lo)) {
        return MG_ERR_ARG;
    }
    taps = p->filter_h * p->filter_w;
    /* scratch: the output row, the zero-point row, the table, the edge pixels' offsets */
    pad_row = p->scratch + p->out_w * p->channels;
    for (c = 0; c < p->channels; ++c) {
        pad_row[c] = (int8_t)p->pad_value;
    }
    walk.pad_row = pad_row;
    walk.taps = (dw_tap *)(void *)(pad_row + p->channels);
    walk.edge_offsets = (int32_t *)(void *)(walk.taps + taps);
    MG_STREAM_CHANNELS(&rows, p, in, out, p->scratch);
    while (mg_stream_next(&rows)) {
        if (output_row(p, rows.in, rows.oy * p->stride_h - p->pad_top, rows.row, &walk) != MG_OK) {
            return MG_ERR_ARG;
        }
    }
    return MG_OK;
}

int32_t mg_depthwise_conv_2d_rows_dsp_s8_scratch_bytes(const mg_depthwise_conv_2d_rows_dsp_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->out_w * p->channels + p->channels
           + (12 + 4 * (p->out_w - (p->ox_hi - p->ox_lo))) * p->filter_h * p->filter_w;
}
