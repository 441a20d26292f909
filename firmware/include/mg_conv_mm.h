/* The params and the output staging the lean DSP CONV_2D kernels share (conv_2d_1x1_dsp,
 * conv_2d_im2col_dsp; their walks: mg_mm_dsp.h). Output pixels are computed three at a time in
 * raster order, also across a row's end, into a staging area of out_w + 2 pixels; a row is copied
 * out as soon as it is complete, in increasing order, before any pixel of a later row could need
 * the input rows it overwrites: the streaming overlap contract (docs/design.md). */
#ifndef MG_CONV_MM_H
#define MG_CONV_MM_H

#include <string.h>

#include "mg_types.h"

/* What a walk over a column of three pixels needs besides the stream (mg_mm_dsp.h): set once a
 * layer with mg_mm_walk3_init, then per call where its pairs go with mg_mm_walk3_at. Pixel j's
 * channel c goes to dst + j * stride + c (odd out_c: also one byte at dst + j * stride + out_c,
 * which the pairs walking down leave to the next pixel's channel 0, written later, or to slack
 * after the last pixel). The layout is the asm's (one LDM copies its 8 words: pointers and
 * intptr_t are 32 bits on the cores that run it). */
typedef struct {
    const int16_t *col;    /* the three pixels' column */
    int8_t *dst;           /* pixel 0's channel 2 * pairs - 1 (the walk goes down, 2 a pair) */
    intptr_t shift_delta;  /* shifts minus (dst + 1): pair i's shift bytes at dst + shift_delta */
    int32_t stride;        /* bytes from pixel 0 to pixel 1, and from 1 to 2 */
    int32_t k;             /* 2 * output zero point + 1 */
    uintptr_t end;         /* dst's address once every pair is done (pixel 0's channel -1) */
    uint32_t entry;        /* where a pair's turns are entered: 0 until the walk's first call sets it */
    int32_t groups;        /* 4-tap groups of a pixel's column */
} mg_mm_walk3_state;

/* The walk of every channel pair over the column (the generator names mg_mm_walk3_relu for
 * output zero point -128: no sign fix needed, else mg_mm_walk3_fix; `w` variants for a stream
 * mg_mm_widen_stream widened to int16: `widen` below, and conv_2d_1x1_x16_dsp). Returns the
 * stream after the pairs. */
typedef const int8_t *(*mg_mm_walk3_fn)(const int8_t *w, mg_mm_walk3_state *s);
const int8_t *mg_mm_walk3_relu(const int8_t *w, mg_mm_walk3_state *s);
const int8_t *mg_mm_walk3_fix(const int8_t *w, mg_mm_walk3_state *s);
const int8_t *mg_mm_walk3w_relu(const int8_t *w, mg_mm_walk3_state *s);
const int8_t *mg_mm_walk3w_fix(const int8_t *w, mg_mm_walk3_state *s);

static inline void mg_mm_walk3_init(mg_mm_walk3_state *s, const int16_t *col, int32_t groups, int32_t stride,
                                    int32_t k)
{
    s->col = col;
    s->stride = stride;
    s->k = k;
    s->entry = 0;
    s->groups = groups;
}

/* The next call walks `pairs` channel pairs into dst (channel 0 of pixel 0), their shift bytes at
 * `shifts`. */
static inline void mg_mm_walk3_at(mg_mm_walk3_state *s, int8_t *dst, int32_t pairs, const int8_t *shifts)
{
    s->dst = dst + 2 * pairs - 1;
    s->end = (uintptr_t)dst - 1u;
    s->shift_delta = (intptr_t)((uintptr_t)shifts - (uintptr_t)(dst + 1));
}

/* `pairs` channel pairs of a CONV_2D stream (int8) from src into dst with the weights widened to
 * int16 in the walk's order (each group: channel 2i's (t0, t2), (t1, t3), then 2i + 1's): 16 + 16 *
 * groups bytes a pair. The int16 walks then load 4 taps of both channels with one LDM. */
typedef void (*mg_mm_widen_fn)(const int8_t *src, int32_t pairs, int32_t groups, int8_t *dst);
void mg_mm_widen_stream(const int8_t *src, int32_t pairs, int32_t groups, int8_t *dst);

typedef struct {
    MG_CONV_GEOMETRY_FIELDS;
    int32_t dilation_h, dilation_w;
    int32_t pad_top, pad_left;
    int32_t pad_value;     /* input zero point: what taps outside the image read */
    int32_t groups;        /* 4-tap groups of a pixel's column (zero weights pad the taps) */
    int32_t k;             /* 2 * output zero point + 1 */
    mg_mm_walk3_fn walk;   /* the output stage's walk (an int16 one where `widen` is set) */
    mg_mm_widen_fn widen;  /* NULL, or mg_mm_widen_stream: the stream widened to int16 into scratch
                              once per call, where the arena has room for it */
    const int8_t *stream;  /* bias, weights and multipliers per channel pair (mg_mm_dsp.h) */
    const int8_t *shifts;  /* per channel pair: right shift - 1 of channel 2i + 1, then of 2i */
    int8_t *scratch;       /* the column (groups * 24 + 8 bytes), the kernel's own window bytes,
                              the staging area ((out_w + 2) * out_c + 1 bytes), then, with
                              `widen`, the int16 stream (word-aligned) */
} mg_conv_2d_mm_params;

/* Bytes of a column of `groups` groups for `pixels` pixels, with its sentinel. */
static inline int32_t mg_conv_mm_col_bytes(int32_t groups, int32_t pixels)
{
    return groups * pixels * 8 + 8;
}

static inline int32_t mg_conv_mm_stage_bytes(const mg_conv_2d_mm_params *p)
{
    return (p->out_w + 2) * p->out_c + 1;
}

/* Where the int16 stream starts, after a staging area at `stage_at`. */
static inline int32_t mg_conv_mm_wide_at(const mg_conv_2d_mm_params *p, int32_t stage_at)
{
    return (stage_at + mg_conv_mm_stage_bytes(p) + 3) & ~3;
}

/* The scratch bytes of a kernel whose staging area starts at `stage_at`. */
static inline int32_t mg_conv_mm_scratch_bytes(const mg_conv_2d_mm_params *p, int32_t stage_at)
{
    if (p->widen == NULL) {
        return stage_at + mg_conv_mm_stage_bytes(p);
    }
    return mg_conv_mm_wide_at(p, stage_at) + (p->out_c + 1) / 2 * (16 + 16 * p->groups);
}

/* The checks the kernels start with: the walks need word-aligned columns and groups covering every
 * tap. */
static inline int mg_conv_mm_ok(const mg_conv_2d_mm_params *p, const int8_t *in, const int8_t *out, int32_t taps)
{
    return p != NULL && in != NULL && out != NULL && p->stream != NULL && p->shifts != NULL
           && p->walk != NULL && p->scratch != NULL && ((uintptr_t)p->scratch & 3u) == 0 && p->groups > 0
           && 4 * p->groups >= taps;
}

/* Staged output pixels of one batch row. */
typedef struct {
    int8_t *buf;           /* out_w + 2 pixels */
    int32_t staged;        /* pixels of row `flushed` (and maybe of the next rows) in buf */
    int32_t flushed;       /* rows copied out */
} mg_conv_mm_stage;

/* `n` more pixels were written after the staged ones: copy out every row now complete. */
static inline void mg_conv_mm_stage_push(const mg_conv_2d_mm_params *p, mg_conv_mm_stage *s, int32_t n,
                                         int8_t *out_b)
{
    const size_t row_bytes = (size_t)p->out_w * (size_t)p->out_c;
    int32_t i;
    s->staged += n;
    while (s->staged >= p->out_w) {
        memcpy(out_b + (size_t)s->flushed * row_bytes, s->buf, row_bytes);
        s->staged -= p->out_w;
        for (i = 0; i < s->staged; ++i) { /* the next rows' first pixels, one at a time: a row is at
                                             * least a pixel, so no copy overlaps itself */
            memcpy(s->buf + (size_t)i * (size_t)p->out_c, s->buf + row_bytes + (size_t)i * (size_t)p->out_c,
                   (size_t)p->out_c);
        }
        s->flushed++;
    }
}

#endif /* MG_CONV_MM_H */
