#include "conv_2d_1x1_x16_dsp_s8.h"

#include "mg_mm_dsp.h"

static int32_t column_bytes(const mg_conv_2d_1x1_x16_dsp_params *p)
{
    return mg_conv_mm_col_bytes(p->groups, 3);
}

static int32_t weight_bytes(const mg_conv_2d_1x1_x16_dsp_params *p)
{
    return p->block * (16 + 16 * p->groups);
}

/* Every output pixel's input, widened: triple t's column at cols + t * column_bytes. */
static void widen_input(const mg_conv_2d_1x1_x16_dsp_params *p, const int8_t *in_b, int8_t *cols, int32_t pixels)
{
    const int32_t triples = (pixels + 2) / 3;
    int32_t t, j, ox = 0, oy = 0, pix = 0;
    for (t = 0; t < triples; ++t) {
        int16_t *col = (int16_t *)(void *)(cols + (size_t)t * (size_t)column_bytes(p));
        if (pixels - pix < 3) {
            mg_mm_column_init(col, p->groups, 3); /* pixels past the image: zeros */
        }
        for (j = 0; j < 3 && pix < pixels; ++j, ++pix) {
            const size_t at = (size_t)(oy * p->stride_h) * (size_t)p->in_w + (size_t)(ox * p->stride_w);
            mg_mm_widen3(in_b + at * (size_t)p->in_c, p->in_c, col + 4 * j);
            if (++ox == p->out_w) {
                ox = 0;
                ++oy;
            }
        }
        mg_write_u32(col + 12 * p->groups, MG_MM_SENTINEL);
        mg_write_u32(col + 12 * p->groups + 2, MG_MM_SENTINEL);
    }
}

mg_status mg_conv_2d_1x1_x16_dsp_s8(const mg_conv_2d_1x1_x16_dsp_params *p, const int8_t *in, int8_t *out)
{
    int32_t b, pixels, triples, pairs;
    int8_t *cols, *w16, *tail;
    if (p == NULL || in == NULL || out == NULL || p->stream == NULL || p->shifts == NULL || p->walk == NULL
        || p->scratch == NULL || ((uintptr_t)p->scratch & 3u) != 0 || p->in_c % 8 != 0 || p->in_c != 4 * p->groups || p->out_c % 2 != 0 || p->block < 1) {
        return MG_ERR_ARG;
    }
    pixels = p->out_h * p->out_w;
    triples = (pixels + 2) / 3;
    pairs = p->out_c / 2;
    cols = p->scratch;
    w16 = cols + (size_t)triples * (size_t)column_bytes(p);
    tail = w16 + weight_bytes(p);
    for (b = 0; b < p->batches; ++b) {
        const int8_t *in_b = in + (size_t)b * (size_t)p->in_h * (size_t)p->in_w * (size_t)p->in_c;
        int8_t *out_b = out + (size_t)b * (size_t)pixels * (size_t)p->out_c;
        int32_t b0, t;
        mg_mm_walk3_state walk;
        widen_input(p, in_b, cols, pixels); /* the input is read whole before any output is written */
        mg_mm_walk3_init(&walk, (const int16_t *)(const void *)cols, p->groups, p->out_c, p->k);
        for (b0 = 0; b0 < pairs; b0 += p->block) {
            const int32_t n = pairs - b0 < p->block ? pairs - b0 : p->block;
            /* the stream holds pairs last first: this block's n pairs end at pair b0 */
            mg_mm_widen_stream(p->stream + (size_t)(pairs - b0 - n) * (size_t)(16 + 8 * p->groups), n, p->groups, w16);
            for (t = 0; t < triples; ++t) {
                int8_t *dst = 3 * t + 3 <= pixels ? out_b + (size_t)(3 * t) * (size_t)p->out_c : tail;
                walk.col = (const int16_t *)(const void *)(cols + (size_t)t * (size_t)column_bytes(p));
                mg_mm_walk3_at(&walk, dst + 2 * b0, n, p->shifts + 2 * b0);
                p->walk(w16, &walk);
            }
        }
        if (pixels % 3) {
            memcpy(out_b + (size_t)(3 * (triples - 1)) * (size_t)p->out_c, tail, (size_t)(pixels % 3) * (size_t)p->out_c);
        }
    }
    return MG_OK;
}

int32_t mg_conv_2d_1x1_x16_dsp_s8_scratch_bytes(const mg_conv_2d_1x1_x16_dsp_params *p)
{
    int32_t pixels;
    if (p == NULL) {
        return -1;
    }
    pixels = p->out_h * p->out_w;
    return (pixels + 2) / 3 * column_bytes(p) + weight_bytes(p) + (pixels % 3 ? 3 * p->out_c : 0);
}
