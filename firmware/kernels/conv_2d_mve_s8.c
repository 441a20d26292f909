#include "conv_2d_mve_s8.h"

#include "mg_mve.h"
#include "mg_stream.h"

/* The output channels as a pixel sees them. */
typedef struct {
    const int8_t *filter; /* [groups][chunks][4][16] */
    const int32_t *quant; /* [groups][9] */
    int32_t out_c;
    int32_t full, rest;   /* a column's taps / 16 and taps % 16 */
    int32_t output_offset, act_min, act_max, lean;
} channels;

/* Every channel of the pixel whose column is x into dst. `has_rest` (a constant): ch->rest > 0.
 * Each instance is a function of its own, so that GCC 12 keeps the group loop in registers. */
static inline __attribute__((always_inline)) void pixel(const channels *ch, const int8_t *x, int8_t *dst,
                                                        const int has_rest)
{
    const int32x4_t lo = vdupq_n_s32(ch->act_min), hi = vdupq_n_s32(ch->act_max);
    const int32_t full = ch->full, output_offset = ch->output_offset, lean = ch->lean;
    const int8_t *w = ch->filter;
    const int32_t *q = ch->quant;
    int32_t left = ch->out_c;
    do {
        /* the group's four channels, 16 taps apart in each chunk of 64 bytes */
        const int8_t *xk = x, *w1 = w + 16, *w2 = w + 32, *w3 = w + 48;
        int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, k;
        int32x4_t acc, m, s;
        MG_MVE_OPAQUE(w1);
        MG_MVE_OPAQUE(w2);
        MG_MVE_OPAQUE(w3);
        for (k = full; k > 0; --k) {
            const int8x16_t v = vldrbq_s8(xk);
            a0 = vmladavaq_s8(a0, vldrbq_s8(w), v);
            a1 = vmladavaq_s8(a1, vldrbq_s8(w1), v);
            a2 = vmladavaq_s8(a2, vldrbq_s8(w2), v);
            a3 = vmladavaq_s8(a3, vldrbq_s8(w3), v);
            xk += 16;
            w += 64;
            w1 += 64;
            w2 += 64;
            w3 += 64;
        }
        if (has_rest) { /* the weights there are zero-padded; the column may end */
            const int8x16_t v = vldrbq_z_s8(xk, vctp8q((uint32_t)ch->rest));
            a0 = vmladavaq_s8(a0, vldrbq_s8(w), v);
            a1 = vmladavaq_s8(a1, vldrbq_s8(w1), v);
            a2 = vmladavaq_s8(a2, vldrbq_s8(w2), v);
            a3 = vmladavaq_s8(a3, vldrbq_s8(w3), v);
            w += 64;
        }
        acc = vaddq_s32(mg_mve_lanes(a0, a1, a2, a3), vldrwq_s32(q));
        m = vldrwq_s32(q + 4);
        s = vldrbq_s32((const int8_t *)(q + 8));
        acc = mg_mve_output(lean ? mg_mve_requantize_lean(acc, m, s) : mg_mve_requantize_any(acc, m, s),
                            output_offset, lo, hi);
        if (left >= 4) {
            vstrbq_s32(dst, acc);
        } else {
            vstrbq_p_s32(dst, acc, vctp32q((uint32_t)left));
        }
        dst += 4;
        q += 9;
        left -= 4;
    } while (left > 0);
}

static __attribute__((noinline)) void pixel_whole_chunks(const channels *ch, const int8_t *x, int8_t *dst)
{
    pixel(ch, x, dst, 0);
}

static __attribute__((noinline)) void pixel_with_rest(const channels *ch, const int8_t *x, int8_t *dst)
{
    pixel(ch, x, dst, 1);
}

/* `run` bytes from src to dst: 16 per load and store, the last < 16 under `last` (vctp8q of them). */
static inline int8_t *copy_run(int8_t *dst, const int8_t *src, int32_t run, mve_pred16_t last)
{
    int32_t k;
    for (k = run >> 4; k > 0; --k, src += 16, dst += 16) {
        vstrbq_s8(dst, vldrbq_s8(src));
    }
    if (run & 15) {
        vstrbq_p_s8(dst, vldrbq_z_s8(src, last), last);
    }
    return dst + (run & 15);
}

/* The window of output pixel (oy, ox) into `col`. With dilation_w 1 and the window not clipped
 * left or right, its rows inside the image are runs of the input (copy_run: cheap for the few
 * input channels of a first layer), rows outside the zero point; else tap by tap. */
static void gather(const mg_conv_2d_mve_params *p, const int8_t *in_b, int8_t *col, int32_t oy, int32_t ox)
{
    const int32_t iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
    const int32_t run = p->filter_w * p->in_c;
    const size_t row_bytes = (size_t)p->in_w * (size_t)p->in_c;
    const int8_t pad = (int8_t)p->pad_value;
    int32_t fy, fx;
    if (p->dilation_w == 1 && ix0 >= 0 && ix0 + p->filter_w <= p->in_w) {
        const mve_pred16_t last = vctp8q((uint32_t)(run & 15));
        const size_t dy = (size_t)p->dilation_h * row_bytes;
        if (iy0 >= 0 && iy0 + (p->filter_h - 1) * p->dilation_h < p->in_h) { /* the common case */
            const int8_t *src = in_b + (size_t)iy0 * row_bytes + (size_t)ix0 * (size_t)p->in_c;
            for (fy = 0; fy < p->filter_h; ++fy, src += dy) {
                col = copy_run(col, src, run, last);
            }
            return;
        }
        for (fy = 0; fy < p->filter_h; ++fy) {
            const int32_t iy = iy0 + fy * p->dilation_h;
            if (iy < 0 || iy >= p->in_h) {
                mg_mve_fill(col, pad, run);
                col += run;
            } else {
                col = copy_run(col, in_b + (size_t)iy * row_bytes + (size_t)ix0 * (size_t)p->in_c, run, last);
            }
        }
        return;
    }
    for (fy = 0; fy < p->filter_h; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_h;
        for (fx = 0; fx < p->filter_w; ++fx, col += p->in_c) {
            const int32_t ix = ix0 + fx * p->dilation_w;
            if (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w) {
                mg_mve_fill(col, pad, p->in_c);
            } else {
                mg_mve_copy(col, in_b + (size_t)iy * row_bytes + (size_t)ix * (size_t)p->in_c, p->in_c);
            }
        }
    }
}

mg_status mg_conv_2d_mve_s8(const mg_conv_2d_mve_params *p, const int8_t *in, int8_t *out)
{
    const int32_t taps = p == NULL ? 0 : p->filter_h * p->filter_w * p->in_c;
    const size_t in_row = p == NULL ? 0 : (size_t)p->in_w * (size_t)p->in_c;
    channels ch;
    mg_row_stream rows;
    int8_t *col;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->quant == NULL || p->scratch == NULL
        || ((uintptr_t)p->quant & 3u) != 0 || (p->direct && taps != p->in_c)) {
        return MG_ERR_ARG;
    }
    ch.filter = p->filter;
    ch.quant = p->quant;
    ch.out_c = p->out_c;
    ch.full = taps / 16;
    ch.rest = taps % 16;
    ch.output_offset = p->output_offset;
    ch.act_min = p->act_min;
    ch.act_max = p->act_max;
    ch.lean = p->lean;
    col = p->scratch + (size_t)p->out_w * (size_t)p->out_c; /* after the output row */
    mg_stream_start(&rows, in, (size_t)p->in_h * in_row, out, p->batches, p->out_h, p->out_w * p->out_c,
                    p->scratch);
    while (mg_stream_next(&rows)) {
        const int8_t *x = p->direct ? rows.in + (size_t)rows.oy * (size_t)p->stride_h * in_row : col;
        const size_t step = p->direct ? (size_t)p->stride_w * (size_t)p->in_c : 0;
        int8_t *dst = rows.row;
        int32_t ox;
        for (ox = 0; ox < p->out_w; ++ox, dst += p->out_c, x += step) {
            if (!p->direct) {
                gather(p, rows.in, col, rows.oy, ox);
            }
            if (ch.rest) {
                pixel_with_rest(&ch, x, dst);
            } else {
                pixel_whole_chunks(&ch, x, dst);
            }
        }
    }
    return MG_OK;
}

int32_t mg_conv_2d_mve_s8_scratch_bytes(const mg_conv_2d_mve_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->out_w * p->out_c + (p->direct ? 0 : p->filter_h * p->filter_w * p->in_c);
}
