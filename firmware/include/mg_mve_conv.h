/* What the two MVE CONV_2D kernels (conv_2d_mve_s8.c: any window, conv_2d_1x1_mve_s8.c: 1x1)
 * share: output pixels in quads against every output channel, and the ring of output pixels
 * that keeps the streaming overlap contract.
 *
 * A quad is four output pixels in raster order (across row ends too, so narrow images waste no
 * lanes); each pixel's taps are one contiguous column: its input pixel for a 1x1 filter, else its
 * window gathered into scratch. Per output channel and 16 taps: one load of the channel's
 * weights, one load per column, one VMLADAVA per column (64 MACs in 9 instructions); the last
 * taps < 16 predicated, so neither weights nor columns need padding. The four accumulators are
 * requantized as one vector and scattered to the four pixels.
 *
 * The ring holds ring_pixels >= out_w + 3 (a multiple of 4) output pixels in scratch: a quad
 * lands in it unbroken, and every row it completes is copied out at once, in increasing order,
 * before any later pixel is computed (docs/design.md, streaming overlap). */
#ifndef MG_MVE_CONV_H
#define MG_MVE_CONV_H

#include "mg_mve.h"

/* What a quad needs of a kernel's params. */
typedef struct {
    int32_t taps, out_c, output_offset;
    int32_t act_min, act_max;
    const int8_t *filter;
    const int32_t *bias_folded, *multiplier;
    const int8_t *shift;
} mg_mve_conv_channels;

/* Four columns (col[j] for pixel j; repeat one for a short quad) against every channel into
 * dst[j * out_c + c] for the pixels j that `pixels` (vctp32q of their count) marks. */
static inline void mg_mve_conv_quad(const mg_mve_conv_channels *ch, const int8_t *const col[4], int8_t *dst,
                                    mve_pred16_t pixels)
{
    const uint32x4_t offsets = vmulq_n_u32(vidupq_n_u32(0, 1), (uint32_t)ch->out_c);
    const int32x4_t lo = vdupq_n_s32(ch->act_min), hi = vdupq_n_s32(ch->act_max);
    const int32_t taps = ch->taps, rest = taps & 15;
    const mve_pred16_t tail = vctp8q((uint32_t)rest);
    const int8_t *w = ch->filter;
    int32_t c;
    for (c = 0; c < ch->out_c; ++c) {
        const int8_t *x0 = col[0], *x1 = col[1], *x2 = col[2], *x3 = col[3];
        int32_t a0 = ch->bias_folded[c], a1 = a0, a2 = a0, a3 = a0;
        int32_t k;
        for (k = taps >> 4; k > 0; --k) {
            const int8x16_t wv = vldrbq_s8(w);
            a0 = vmladavaq_s8(a0, vldrbq_s8(x0), wv);
            a1 = vmladavaq_s8(a1, vldrbq_s8(x1), wv);
            a2 = vmladavaq_s8(a2, vldrbq_s8(x2), wv);
            a3 = vmladavaq_s8(a3, vldrbq_s8(x3), wv);
            w += 16;
            x0 += 16;
            x1 += 16;
            x2 += 16;
            x3 += 16;
        }
        if (rest) {
            const int8x16_t wv = vldrbq_z_s8(w, tail);
            a0 = vmladavaq_s8(a0, vldrbq_z_s8(x0, tail), wv);
            a1 = vmladavaq_s8(a1, vldrbq_z_s8(x1, tail), wv);
            a2 = vmladavaq_s8(a2, vldrbq_z_s8(x2, tail), wv);
            a3 = vmladavaq_s8(a3, vldrbq_z_s8(x3, tail), wv);
            w += rest;
        }
        {
            const int32x4_t v = mg_mve_requantize_n(mg_mve_lanes(a0, a1, a2, a3), ch->multiplier[c], ch->shift[c]);
            vstrbq_scatter_offset_p_s32(dst + c, offsets, mg_mve_output(v, ch->output_offset, lo, hi), pixels);
        }
    }
}

/* The walk over one image's output pixels in quads. */
typedef struct {
    int8_t *ring;
    int32_t ring_pixels, out_w, out_c;
    int32_t pixels;     /* out_h * out_w */
    int32_t next;       /* first pixel of the next quad */
    int32_t slot;       /* its place in the ring */
    int32_t row;        /* the next row to copy out, and its first pixel's place in the ring */
    int32_t row_slot;
    int8_t *out;        /* the image's output */
} mg_mve_ring;

static inline void mg_mve_ring_start(mg_mve_ring *r, int8_t *ring, int32_t ring_pixels, int32_t out_h,
                                     int32_t out_w, int32_t out_c, int8_t *out)
{
    r->ring = ring;
    r->ring_pixels = ring_pixels;
    r->out_w = out_w;
    r->out_c = out_c;
    r->pixels = out_h * out_w;
    r->next = 0;
    r->slot = 0;
    r->row = 0;
    r->row_slot = 0;
    r->out = out;
}

/* Where the quad starting at pixel r->next goes. */
static inline int8_t *mg_mve_ring_dst(const mg_mve_ring *r)
{
    return r->ring + (size_t)r->slot * (size_t)r->out_c;
}

/* The quad of `count` pixels is computed: copy out every row it completed. */
static inline void mg_mve_ring_advance(mg_mve_ring *r, int32_t count)
{
    const int32_t oc = r->out_c;
    r->next += count;
    r->slot += 4;
    if (r->slot >= r->ring_pixels) {
        r->slot = 0;
    }
    while ((r->row + 1) * r->out_w <= r->next) {
        /* the row may wrap around the ring's end */
        const int32_t first = mg_min_i32(r->out_w, r->ring_pixels - r->row_slot);
        int8_t *dst = r->out + (size_t)r->row * (size_t)r->out_w * (size_t)oc;
        mg_mve_copy(dst, r->ring + (size_t)r->row_slot * (size_t)oc, first * oc);
        mg_mve_copy(dst + (size_t)first * (size_t)oc, r->ring, (r->out_w - first) * oc);
        r->row_slot += r->out_w;
        if (r->row_slot >= r->ring_pixels) {
            r->row_slot -= r->ring_pixels;
        }
        ++r->row;
    }
}

#endif /* MG_MVE_CONV_H */
