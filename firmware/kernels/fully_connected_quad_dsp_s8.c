#include "fully_connected_quad_dsp_s8.h"

#include "mg_mm_dsp.h"

/* The walk over `quads` channel quads of the stream at `w` for the row in `col` (mg_mm_dsp.h);
 * channel c goes to dst[c]. A counted loop, 4 groups a turn (entered halfway when the group
 * count is 2 mod 4), so the column needs no sentinel. Returns the stream after the quads. */
typedef struct {
    const int16_t *col;
    int32_t groups;        /* a turn takes 4; with groups % 4 == 2 the first turn starts halfway */
    int32_t k;             /* 2 * output zero point + 1 */
    int32_t shift_delta;   /* shifts minus dst: the word of quad q sits at dst + 4q + delta */
    uint32_t end;          /* dst's address once every quad is done */
} walk_state;

#if MG_DSP_NATIVE
#define PAIR(c0, c1)                                                                            \
    "ldrd   %[w0], %[w1], [%[w]], #8\n\t"                                                       \
    "sxtb16 %[w0h], %[w0], ror #8\n\t"                                                          \
    "sxtb16 %[w0], %[w0]\n\t"                                                                   \
    "sxtb16 %[w1h], %[w1], ror #8\n\t"                                                          \
    "sxtb16 %[w1], %[w1]\n\t"                                                                   \
    "smlad  %[" c0 "], %[w0], %[xa], %[" c0 "]\n\t"                                             \
    "smlad  %[" c0 "], %[w0h], %[xb], %[" c0 "]\n\t"                                            \
    "smlad  %[" c1 "], %[w1], %[xa], %[" c1 "]\n\t"                                             \
    "smlad  %[" c1 "], %[w1h], %[xb], %[" c1 "]\n\t"
#define GROUP "ldrd   %[xa], %[xb], [%[x]], #8\n\t" PAIR("a0", "a1") PAIR("a2", "a3")
/* one output: xa = k, w1 = shifts (low byte: this channel's rs - 1) */
#define OUTPUT(OUT, A)                                                                          \
    "ldr    %[w0], [%[w]], #4\n\t"                                                              \
    "lsl    %[w0h], %[xa], %[w1]\n\t"                                                           \
    OUT(A, "[%[d]], #1")                                                                        \
    "lsr    %[w1], %[w1], #8\n\t"
#define WALK(OUT)                                                                               \
    "1:\n\t"                                                                                    \
    "ldrd   %[a0], %[a1], [%[w]], #8\n\t"                                                       \
    "ldrd   %[a2], %[a3], [%[w]], #8\n\t"                                                       \
    "ldr    %[x], %[col]\n\t"                                                                   \
    "ldr    %[n], %[groups]\n\t"                                                                \
    "lsrs   %[n], %[n], #2\n\t"          /* carry: groups % 4 == 2 */                           \
    "adc    %[n], %[n], #0\n\t"                                                                 \
    "bcs    3f\n\t"                                                                             \
    "2:\n\t"                                                                                    \
    GROUP GROUP                                                                                 \
    "3:\n\t"                                                                                    \
    GROUP GROUP                                                                                 \
    "subs   %[n], %[n], #1\n\t"                                                                 \
    "bne    2b\n\t"                                                                             \
    "ldr    %[w1h], %[delta]\n\t"                                                               \
    "ldr    %[w1], [%[d], %[w1h]]\n\t"                                                          \
    "ldr    %[xa], %[k]\n\t"                                                                    \
    OUTPUT(OUT, "a0") OUTPUT(OUT, "a1") OUTPUT(OUT, "a2") OUTPUT(OUT, "a3")                     \
    "ldr    %[w1h], %[end]\n\t"                                                                 \
    "cmp    %[d], %[w1h]\n\t"                                                                   \
    "bne    1b\n\t"
#define OPERANDS(R_)                                                                            \
    : [a0] "=&r"(a0_), [a1] "=&r"(a1_), [a2] "=&r"(a2_), [a3] "=&r"(a3_), [w0] "=&r"(w0_),    \
      [w1] "=&r"(w1_), [w0h] "=&r"(w0h_), [w1h] "=&r"(w1h_), [xa] "=&r"(xa_), [xb] "=&r"(xb_), \
      [x] "=&r"(x_), [n] "=&r"(n_), [w] "+r"(w), [d] "+r"(d)                                    \
    : [col] "m"((R_).col), [groups] "m"((R_).groups), [k] "m"((R_).k),                         \
      [delta] "m"((R_).shift_delta), [end] "m"((R_).end)                                        \
    : "cc", "memory"
#endif

const int8_t *mg_fully_connected_quad_walk(const void *params, const int8_t *w, int32_t quads, const int16_t *col,
                                           int8_t *dst)
{
    const mg_fully_connected_quad_dsp_params *p = (const mg_fully_connected_quad_dsp_params *)params;
#if MG_DSP_NATIVE
    walk_state r;
    int8_t *d = dst;
    uint32_t a0_, a1_, a2_, a3_, w0_, w1_, w0h_, w1h_, xa_, xb_, n_;
    const int16_t *x_;
    r.col = col;
    r.groups = p->groups;
    r.k = p->k;
    r.shift_delta = (int32_t)((uintptr_t)p->shifts - (uintptr_t)dst);
    r.end = (uint32_t)(uintptr_t)(dst + 4 * quads);
    __asm__ volatile(WALK(MG_MM_OUT_FIX) OPERANDS(r));
    return w;
#else
    int32_t q;
    for (q = 0; q < quads; ++q) {
        int32_t acc[4], c, g;
        for (c = 0; c < 4; ++c) {
            acc[c] = mg_mm_read_i32(w + 4 * c);
        }
        w += 16;
        for (g = 0; g < p->groups; ++g, w += 16) {
            for (c = 0; c < 4; ++c) {
                MG_PLAIN_GROUP(w + 4 * c, col + 4 * g, acc[c]);
            }
        }
        for (c = 0; c < 4; ++c, w += 4) {
            dst[4 * q + c] = (int8_t)mg_mm_out(acc[c], mg_mm_read_i32(w), p->shifts[4 * q + c], p->k, 1);
        }
    }
    return w;
#endif
}

/* The last output_depth % 4 channels, each [bias, multiplier, weights] from `w`: per group of 4
 * taps one word of weights widened in two halves (SXTB16) against the column's two words (SMLAD). */
void mg_fully_connected_quad_tail(const void *params, const int8_t *w, const int16_t *col, int8_t *dst)
{
    const mg_fully_connected_quad_dsp_params *p = (const mg_fully_connected_quad_dsp_params *)params;
    int32_t c, g;
    for (c = p->output_depth & ~3; c < p->output_depth; ++c) {
        int32_t acc = mg_mm_read_i32(w);
        const int32_t m = mg_mm_read_i32(w + 4);
        w += 8;
        for (g = 0; g < p->groups; ++g, w += 4) {
            const uint32_t taps = mg_read_u32(w);
            acc = mg_smlad(mg_sxtb16(taps), mg_read_u32(col + 4 * g), acc);
            acc = mg_smlad(mg_sxtb16_ror8(taps), mg_read_u32(col + 4 * g + 2), acc);
        }
        dst[c] = (int8_t)mg_mm_out(acc, m, p->shifts[c], p->k, 1);
    }
}

mg_status mg_fully_connected_quad_dsp_s8(const mg_fully_connected_quad_dsp_params *p, const int8_t *in, int8_t *out)
{
    int16_t *col;
    int32_t b;
    if (p == NULL || in == NULL || out == NULL || p->stream == NULL || p->shifts == NULL || p->scratch == NULL
        || (p->output_depth >= 4 && p->walk == NULL) || (p->output_depth % 4 && p->tail == NULL)
        || p->groups <= 0 || p->groups % 2 != 0 || 4 * p->groups < p->accum_depth
        || ((uintptr_t)p->scratch & 3u) != 0) {
        return MG_ERR_ARG; /* LDRD needs a word-aligned column */
    }
    col = (int16_t *)(void *)p->scratch;
    memset(col, 0, (size_t)(8 * p->groups)); /* the groups past accum_depth: zero */
    for (b = 0; b < p->batches; ++b, in += p->accum_depth, out += p->output_depth) {
        const int8_t *w = p->stream;
        mg_mm_widen(in, p->accum_depth, col, 4);
        if (p->output_depth >= 4) {
            w = p->walk(p, w, p->output_depth / 4, col, out);
        }
        if (p->output_depth % 4) {
            p->tail(p, w, col, out);
        }
    }
    return MG_OK;
}

int32_t mg_fully_connected_quad_dsp_s8_scratch_bytes(const mg_fully_connected_quad_dsp_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return 8 * p->groups;
}
