/* The DSP matrix walks and the CONV_2D driver the lean kernels share (mg_mm_dsp.h): one copy per
 * firmware, each function in its own section so a model links only the ones it calls. */
#include "mg_mm_dsp.h"

/* ---- CONV_2D: all channel pairs for three pixels (mg_conv_mm.h) ------------------------------ */
#if MG_DSP_NATIVE
/* Registers, fixed so that LDM can fill them in stream order: accumulators r0, r1, r4 (channel
 * 2i, pixels 0-2) and r2, r3, r5 (channel 2i + 1); weights r6, r7 (2i: taps (0, 2), (1, 3)) and r8,
 * r9 (2i + 1); the column's current pair of words r10, r11, its pointer r12; the stream lr. */
#define MG_MM3_PIXEL(c0, c1, s0, s1)                                                           \
    "smlad  " c0 ", r6, r10, " s0 "\n\t"                                                       \
    "smlad  " c0 ", r7, r11, " c0 "\n\t"                                                       \
    "smlad  " c1 ", r8, r10, " s1 "\n\t"                                                       \
    "smlad  " c1 ", r9, r11, " c1 "\n\t"                                                       \
    "ldrd   r10, r11, [r12], #8\n\t"
#define MG_MM3_PIXELS MG_MM3_PIXEL("r0", "r2", "r0", "r2") MG_MM3_PIXEL("r1", "r3", "r1", "r3")        \
    MG_MM3_PIXEL("r4", "r5", "r4", "r5")
/* a pair's first group starts every accumulator from the biases in r4 and r5 */
#define MG_MM3_PIXELS_FIRST MG_MM3_PIXEL("r0", "r2", "r4", "r5") MG_MM3_PIXEL("r1", "r3", "r4", "r5")  \
    MG_MM3_PIXEL("r4", "r5", "r4", "r5")
/* a group's weights: int8 words widened here, or int16 ones (mg_mm_widen_stream) as they are; a
 * pair's first group loads its two biases with them */
#define MG_MM3_WIDEN8                                                                           \
    "sxtb16 r7, r6, ror #8\n\t"                                                                 \
    "sxtb16 r6, r6\n\t"                                                                         \
    "sxtb16 r9, r8, ror #8\n\t"                                                                 \
    "sxtb16 r8, r8\n\t"
#define MG_MM3_LOAD8 "ldrd   r6, r8, [lr], #8\n\t" MG_MM3_WIDEN8
#define MG_MM3_FIRST8 "ldm    lr!, {r4, r5, r6, r8}\n\t" MG_MM3_WIDEN8
#define MG_MM3_LOAD16 "ldm    lr!, {r6, r7, r8, r9}\n\t"
#define MG_MM3_FIRST16 "ldm    lr!, {r4, r5, r6, r7, r8, r9}\n\t"
/* one output: doubled accumulator A; m in M, (2 zp + 1) << (rs - 1) in r7, rs - 1 in r8's low byte */
#define MG_MM3_OUT_FIX(A, M, STORE)                                                             \
    "sub    r9, r7, " A ", lsr #31\n\t"                                                         \
    "smmlar " A ", " A ", " M ", r9\n\t"                                                        \
    "asr    " A ", " A ", r8\n\t"                                                               \
    "ssat   " A ", #8, " A ", asr #1\n\t"                                                       \
    "strb   " A ", " STORE "\n\t"
#define MG_MM3_OUT_RELU(A, M, STORE)                                                            \
    "smmlar " A ", " A ", " M ", r7\n\t"                                                        \
    "asr    " A ", " A ", r8\n\t"                                                               \
    "ssat   " A ", #8, " A ", asr #1\n\t"                                                       \
    "strb   " A ", " STORE "\n\t"
/* the multipliers of 2i + 1 and 2i: into r6 and r9 at once where r9 is free (ReLU), else in turn */
#define MG_MM3_M_FIX1 "ldr    r6, [lr], #4\n\t"
#define MG_MM3_M_FIX0 "ldr    r6, [lr], #4\n\t"
#define MG_MM3_M_RELU1 "ldrd   r6, r9, [lr], #8\n\t"
#define MG_MM3_M_RELU0 ""
#define MG_MM3_OUTS(OUT, M1, M0, M0REG)                                                         \
    "ldrd   r10, r9, [sp, #4]\n\t"      /* dst, shift_delta */                                  \
    "ldrh   r8, [r10, r9]\n\t"          /* rs - 1 of 2i + 1, then of 2i */                      \
    "ldrd   r11, r12, [sp, #12]\n\t"    /* stride, k */                                         \
    M1                                                                                          \
    "lsl    r7, r12, r8\n\t"                                                                    \
    OUT("r3", "r6", "[r10, r11]") OUT("r5", "r6", "[r10, r11, lsl #1]") OUT("r2", "r6", "[r10], #-1") \
    M0                                                                                          \
    "lsr    r8, r8, #8\n\t"                                                                     \
    "lsl    r7, r12, r8\n\t"                                                                    \
    OUT("r1", M0REG, "[r10, r11]") OUT("r4", M0REG, "[r10, r11, lsl #1]") OUT("r0", M0REG, "[r10], #-1") \
    "str    r10, [sp, #4]\n\t"                                                                  \
    "ldr    r9, [sp, #20]\n\t"          /* end */                                               \
    "cmp    r10, r9\n\t"                                                                        \
    "bne    1b\n\t"
/* The state (8 words) is copied below the stack pointer (one LDM, one PUSH: the epilogue reads it
 * with [sp, #offset], no base register needed); its entry is computed on the first call and kept
 * there. Per pair: its first group (biases loaded with it), then the rest N a turn (4 for int8
 * weights, 8 for int16 ones), entered `skip` groups in, skip = -(groups - 1) mod N, or N (straight
 * to the sentinel check) for a single group: at 2f + skip times a group's bytes (the asm checks the
 * turn is N times its first group), jumped to with one LDR PC a pair; the loop ends where the
 * column's next word is the sentinel. */
#define MG_MM3_TURN4(G) "2:\n\t" G "3:\n\t" G G G "8:\n\t"
#define MG_MM3_TURN8(G) "2:\n\t" G "3:\n\t" G G G G G G G "8:\n\t"
#define MG_MM3_ASM(FIRST, LOAD, OUTS, TURN, N)                                                  \
    "ldr    r7, [r0, #24]\n\t"          /* entry */                                             \
    "cbnz   r7, 7f\n\t"                                                                         \
    "ldr    r6, [r0, #28]\n\t"          /* groups */                                            \
    "sub    r6, r6, #1\n\t"                                                                     \
    "negs   r6, r6\n\t"                                                                         \
    "and    r6, r6, #" #N " - 1\n\t"                                                            \
    "it     eq\n\t"                                                                             \
    "moveq  r6, #" #N "\n\t"                                                                    \
    "adr    r7, 2f\n\t"                                                                         \
    "adr    r8, 3f\n\t"                                                                         \
    "sub    r8, r8, r7\n\t"             /* a group's bytes */                                   \
    "mla    r7, r6, r8, r7\n\t"                                                                 \
    "orr    r7, r7, #1\n\t"             /* Thumb */                                             \
    "str    r7, [r0, #24]\n\t"                                                                  \
    "7:\n\t"                                                                                    \
    "ldm    r0, {r4, r5, r6, r7, r8, r9, r10, r11}\n\t"                                           \
    "push   {r4, r5, r6, r7, r8, r9, r10, r11}\n\t"                                               \
    "1:\n\t"                                                                                    \
    FIRST                                                                                       \
    "ldr    r12, [sp]\n\t"              /* col */                                               \
    "ldrd   r10, r11, [r12], #8\n\t"                                                            \
    MG_MM3_PIXELS_FIRST                                                                         \
    "ldr    pc, [sp, #24]\n\t"                                                                  \
    TURN(LOAD MG_MM3_PIXELS)                                                                    \
    ".if (8b - 2b) - " #N " * (3b - 2b)\n\t"                                                    \
    ".error \"the groups' code differs in size: the entry arithmetic is wrong\"\n\t"           \
    ".endif\n\t"                                                                                \
    "cmp    r10, #0x80008000\n\t"                                                               \
    "bne    2b\n\t"                                                                             \
    OUTS                                                                                        \
    "add    sp, sp, #32\n\t"
#define MG_MM3_OPERANDS                                                                         \
    : [w] "+r"(stream), [s] "+r"(state)                                                         \
    :                                                                                           \
    : "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "r12", "cc", "memory"

static inline __attribute__((always_inline)) const int8_t *walk3_asm(const int8_t *w, mg_mm_walk3_state *s,
                                                                     const int relu, const int w16)
{
    register const int8_t *stream __asm__("lr") = w;
    register mg_mm_walk3_state *state __asm__("r0") = s;
    if (relu && !w16) {
        __asm__ volatile(MG_MM3_ASM(MG_MM3_FIRST8, MG_MM3_LOAD8,
                                    MG_MM3_OUTS(MG_MM3_OUT_RELU, MG_MM3_M_RELU1, MG_MM3_M_RELU0, "r9"),
                                    MG_MM3_TURN4, 4)
                         MG_MM3_OPERANDS);
    } else if (!w16) {
        __asm__ volatile(MG_MM3_ASM(MG_MM3_FIRST8, MG_MM3_LOAD8,
                                    MG_MM3_OUTS(MG_MM3_OUT_FIX, MG_MM3_M_FIX1, MG_MM3_M_FIX0, "r6"),
                                    MG_MM3_TURN4, 4)
                         MG_MM3_OPERANDS);
    } else if (relu) {
        __asm__ volatile(MG_MM3_ASM(MG_MM3_FIRST16, MG_MM3_LOAD16,
                                    MG_MM3_OUTS(MG_MM3_OUT_RELU, MG_MM3_M_RELU1, MG_MM3_M_RELU0, "r9"),
                                    MG_MM3_TURN8, 8)
                         MG_MM3_OPERANDS);
    } else {
        __asm__ volatile(MG_MM3_ASM(MG_MM3_FIRST16, MG_MM3_LOAD16,
                                    MG_MM3_OUTS(MG_MM3_OUT_FIX, MG_MM3_M_FIX1, MG_MM3_M_FIX0, "r6"),
                                    MG_MM3_TURN8, 8)
                         MG_MM3_OPERANDS);
    }
    return stream;
}
#endif

/* The walk of the state's channel pairs from `w` (a CONV_2D stream) for the three pixels of its
 * column. */
static inline __attribute__((always_inline)) const int8_t *walk3(const int8_t *w, mg_mm_walk3_state *s,
                                                                 const int relu, const int w16)
{
#if MG_DSP_NATIVE
    return walk3_asm(w, s, relu, w16);
#else
    int8_t *dst = (int8_t *)(s->end + 1u);
    const int8_t *shifts = (const int8_t *)((uintptr_t)dst + 1u + (uintptr_t)s->shift_delta);
    const int32_t pairs = (int32_t)((uintptr_t)s->dst - (uintptr_t)dst + 1) / 2, groups = s->groups;
    const int32_t stride = s->stride, k = s->k;
    const int16_t *col = s->col;
    int32_t i;
    for (i = pairs - 1; i >= 0; --i) {
        int32_t acc[2][3], j, g;
        acc[0][0] = acc[0][1] = acc[0][2] = mg_mm_read_i32(w);
        acc[1][0] = acc[1][1] = acc[1][2] = mg_mm_read_i32(w + 4);
        w += 8;
        for (g = 0; g < groups; ++g, w += w16 ? 16 : 8) {
            const int16_t *x = col + g * 12;
            for (j = 0; j < 3; ++j) {
                if (w16) { /* channel 2i's 4 int16, then 2i + 1's, in the column's order */
                    int16_t v[8];
                    int32_t t;
                    memcpy(v, w, sizeof v);
                    for (t = 0; t < 4; ++t) {
                        acc[0][j] += (int32_t)v[t] * x[4 * j + t];
                        acc[1][j] += (int32_t)v[4 + t] * x[4 * j + t];
                    }
                } else {
                    MG_PLAIN_GROUP(w, x + 4 * j, acc[0][j]);
                    MG_PLAIN_GROUP(w + 4, x + 4 * j, acc[1][j]);
                }
            }
        }
        {
            const int32_t m1 = mg_mm_read_i32(w), m0 = mg_mm_read_i32(w + 4);
            const int32_t rs1 = shifts[2 * i], rs0 = shifts[2 * i + 1];
            w += 8;
            for (j = 0; j < 3; ++j) {
                dst[j * stride + 2 * i + 1] = (int8_t)mg_mm_out2(acc[1][j], m1, rs1, k, !relu);
                dst[j * stride + 2 * i] = (int8_t)mg_mm_out2(acc[0][j], m0, rs0, k, !relu);
            }
        }
    }
    return w;
#endif
}

const int8_t *mg_mm_walk3_relu(const int8_t *w, mg_mm_walk3_state *s)
{
    return walk3(w, s, 1, 0);
}

const int8_t *mg_mm_walk3_fix(const int8_t *w, mg_mm_walk3_state *s)
{
    return walk3(w, s, 0, 0);
}

const int8_t *mg_mm_walk3w_relu(const int8_t *w, mg_mm_walk3_state *s)
{
    return walk3(w, s, 1, 1);
}

const int8_t *mg_mm_walk3w_fix(const int8_t *w, mg_mm_walk3_state *s)
{
    return walk3(w, s, 0, 1);
}

void mg_mm_widen_stream(const int8_t *src, int32_t pairs, int32_t groups, int8_t *dst)
{
    int32_t i;
    for (i = 0; i < pairs; ++i) {
        const int8_t *end = src + 8 + 8 * groups;
        memcpy(dst, src, 8); /* the biases */
        src += 8;
        dst += 8;
#if MG_DSP_NATIVE
        if (groups & 1) { /* one group, then two a turn */
            uint32_t a, b, c;
            __asm__ volatile("ldrd   %[a], %[b], [%[s]], #8\n\t"
                             "sxtb16 %[c], %[a], ror #8\n\t"
                             "sxtb16 %[a], %[a]\n\t"
                             "strd   %[a], %[c], [%[d]], #8\n\t"
                             "sxtb16 %[c], %[b], ror #8\n\t"
                             "sxtb16 %[b], %[b]\n\t"
                             "strd   %[b], %[c], [%[d]], #8\n\t"
                             : [a] "=&r"(a), [b] "=&r"(b), [c] "=&r"(c), [s] "+r"(src), [d] "+r"(dst)
                             :
                             : "memory");
        }
        if (src != end) { /* registers fixed for LDM / STM: four words in, eight out */
            __asm__ volatile("1:\n\t"
                             "ldm    %[s]!, {r4, r5, r6, r7}\n\t"
                             "sxtb16 r8, r4\n\t"
                             "sxtb16 r9, r4, ror #8\n\t"
                             "sxtb16 r10, r5\n\t"
                             "sxtb16 r11, r5, ror #8\n\t"
                             "stm    %[d]!, {r8, r9, r10, r11}\n\t"
                             "sxtb16 r8, r6\n\t"
                             "sxtb16 r9, r6, ror #8\n\t"
                             "sxtb16 r10, r7\n\t"
                             "sxtb16 r11, r7, ror #8\n\t"
                             "stm    %[d]!, {r8, r9, r10, r11}\n\t"
                             "cmp    %[s], %[end]\n\t"
                             "bne    1b\n\t"
                             : [s] "+r"(src), [d] "+r"(dst)
                             : [end] "r"(end)
                             : "r4", "r5", "r6", "r7", "r8", "r9", "r10", "r11", "cc", "memory");
        }
#else
        for (; src != end; src += 4, dst += 8) {
            const uint32_t w = mg_read_u32(src);
            mg_write_u32(dst, mg_sxtb16(w));
            mg_write_u32(dst + 4, mg_sxtb16_ror8(w));
        }
#endif
        memcpy(dst, src, 8); /* the multipliers */
        src += 8;
        dst += 8;
    }
}

static inline __attribute__((always_inline)) void widen(const int8_t *x, int32_t n, int16_t *slot, int32_t step,
                                                        const int doubled)
{
    int32_t k;
    for (k = 0; k + 4 <= n; k += 4, slot += step) {
        const uint32_t a = mg_read_u32(x + k);
        mg_write_u32(slot, doubled ? mg_mm_double16(mg_sxtb16(a)) : mg_sxtb16(a));
        mg_write_u32(slot + 2, doubled ? mg_mm_double16(mg_sxtb16_ror8(a)) : mg_sxtb16_ror8(a));
    }
    if (k < n) { /* a ragged end: zero taps up to the group's end */
        int32_t t;
        for (t = 0; t < 4; ++t) {
            slot[mg_sxtb16_slot(t)] = (int16_t)(k + t < n ? (doubled ? 2 : 1) * x[k + t] : 0);
        }
    }
}

__attribute__((noinline)) void mg_mm_widen(const int8_t *x, int32_t n, int16_t *slot, int32_t step)
{
    widen(x, n, slot, step, 0);
}

__attribute__((noinline)) void mg_mm_widen2(const int8_t *x, int32_t n, int16_t *slot)
{
    widen(x, n, slot, 12, 1);
}

void mg_mm_widen3(const int8_t *x, int32_t n, int16_t *slot)
{
    const int32_t whole = ((uintptr_t)x & 3u) == 0 ? n & ~7 : 0;
    if (whole > 0) {
        mg_mm_widen8(x, whole, slot);
    }
    if (whole < n) {
        mg_mm_widen2(x + whole, n - whole, slot + 3 * whole);
    }
}

void mg_conv_mm_window(const mg_conv_2d_mm_params *p, const int8_t *in_b, int8_t *raw, int32_t iy0, int32_t ix0)
{
    const int32_t in_c = p->in_c, run = p->filter_w * in_c;
    /* the taps of a window row inside the image, [lo, hi) in bytes of the row's run (dilation 1) */
    const int32_t lo = ix0 < 0 ? -ix0 * in_c : 0;
    const int32_t hi = ix0 + p->filter_w > p->in_w ? (p->in_w - ix0) * in_c : run;
    int32_t fy, fx, i, k = 0;
    for (fy = 0; fy < p->filter_h; ++fy, k += run) {
        const int32_t iy = iy0 + fy * p->dilation_h;
        const int row_in = iy >= 0 && iy < p->in_h;
        const int8_t *row = row_in ? in_b + (size_t)iy * (size_t)p->in_w * (size_t)in_c : in_b;
        if (!row_in) {
            memset(raw + k, p->pad_value, (size_t)run);
        } else if (p->dilation_w == 1) {
            memset(raw + k, p->pad_value, (size_t)(lo < run ? lo : run));
            for (i = lo; i < hi; ++i) {
                raw[k + i] = row[(ix0 * in_c) + i];
            }
            if (hi < run) {
                memset(raw + k + (hi > 0 ? hi : 0), p->pad_value, (size_t)(run - (hi > 0 ? hi : 0)));
            }
        } else {
            for (fx = 0; fx < p->filter_w; ++fx) {
                const int32_t ix = ix0 + fx * p->dilation_w;
                const int in = ix >= 0 && ix < p->in_w;
                for (i = 0; i < in_c; ++i) {
                    raw[k + fx * in_c + i] = in ? row[(size_t)ix * (size_t)in_c + (size_t)i] : (int8_t)p->pad_value;
                }
            }
        }
    }
}

void mg_conv_mm_gather_1x1(const mg_conv_2d_mm_params *p, const int8_t *in_b, const int8_t *in_end, int16_t *col,
                           int32_t oy, int32_t ox, int32_t n)
{
    const int32_t in_c = p->in_c;
    const int8_t *x = in_b + ((size_t)(oy * p->stride_h) * (size_t)p->in_w + (size_t)(ox * p->stride_w)) * (size_t)in_c;
    int32_t j;
    (void)in_end;
    if (in_c % 8 == 0 && ((uintptr_t)in_b & 3u) == 0 && p->stride_w == 1
        && (ox + n <= p->out_w || (p->stride_h == 1 && p->in_w == p->out_w))) {
        for (j = 0; j < n; ++j, x += in_c, col += 4) { /* one run of the input */
            mg_mm_widen8(x, in_c, col);
        }
        return;
    }
    for (j = 0; j < n; ++j, col += 4) {
        if (in_c % 4 == 0) {
            mg_mm_widen3(x, in_c, col);
        } else {
            mg_mm_widen2(x, in_c, col);
        }
        if (++ox == p->out_w) {
            ox = 0;
            ++oy;
            x = in_b + (size_t)(oy * p->stride_h) * (size_t)p->in_w * (size_t)in_c;
        } else {
            x += (size_t)p->stride_w * (size_t)in_c;
        }
    }
}

void mg_conv_mm_run(const mg_conv_2d_mm_params *p, const int8_t *in, int8_t *out, int32_t stage_at,
                    mg_conv_mm_gather gather)
{
    int16_t *col = (int16_t *)(void *)p->scratch;
    const int32_t pixels = p->out_h * p->out_w, pairs = (p->out_c + 1) / 2;
    const size_t in_bytes = (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
    const int8_t *stream = p->stream;
    mg_conv_mm_stage st;
    mg_mm_walk3_state walk;
    int32_t b;
    if (p->widen != NULL) {
        int8_t *wide = p->scratch + mg_conv_mm_wide_at(p, stage_at);
        p->widen(p->stream, pairs, p->groups, wide);
        stream = wide;
    }
    mg_mm_column_init(col, p->groups, 3);
    mg_mm_walk3_init(&walk, col, p->groups, p->out_c, p->k);
    st.buf = p->scratch + stage_at;
    for (b = 0; b < p->batches; ++b) {
        const int8_t *in_b = in + (size_t)b * in_bytes;
        int8_t *out_b = out + (size_t)b * (size_t)pixels * (size_t)p->out_c;
        int32_t pix, ox = 0, oy = 0;
        st.staged = 0;
        st.flushed = 0;
        for (pix = 0; pix < pixels; pix += 3) {
            const int32_t n = pixels - pix < 3 ? pixels - pix : 3;
            int8_t *dst = st.buf + (size_t)st.staged * (size_t)p->out_c;
            gather(p, in_b, in_b + in_bytes, col, oy, ox, n);
            for (ox += n; ox >= p->out_w; ox -= p->out_w) {
                ++oy;
            }
            mg_mm_walk3_at(&walk, dst, pairs, p->shifts);
            p->walk(stream, &walk);
            mg_conv_mm_stage_push(p, &st, n, out_b);
        }
    }
}
