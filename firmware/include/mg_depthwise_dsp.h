/* What the DSP depthwise convolutions (depthwise_conv_2d_dsp_s8, depthwise_conv_2d_dsp_s4) share:
 * the params check and the walk over output pixels, each handed over as the list of its taps'
 * input pixels (a row of the input zero point where a tap falls outside the image), rows streamed
 * through scratch (the overlap contract). */
#ifndef MG_DEPTHWISE_DSP_H
#define MG_DEPTHWISE_DSP_H

#include "depthwise_conv_2d_dsp_s8.h"
#include "mg_dsp.h"

/* All channels of one output pixel into dst (the lean or the exact output stage, as p->lean
 * says); tap[0 .. taps_even) are its taps' input pixels, followed by a NULL pair. */
typedef void mg_dw_dsp_pixel_fn(const mg_depthwise_conv_2d_dsp_params *p, const int8_t *const *tap, int8_t *dst);

/* The output stage of 4 channels' sums a[0..3] (MG_DSP_OUT with their quant and shift entries and
 * the output zero point and clamp o[0..2], read once per pixel: an int8 store could alias p).
 * Every constant is read before the first int8 store, which could alias them. */
static inline __attribute__((always_inline)) void mg_dw_dsp_out4(const int32_t *q, const int8_t *sh, const int32_t *o,
                                                                 int32_t a0, int32_t a1, int32_t a2, int32_t a3,
                                                                 int8_t *dst, const int lean)
{
    const int32_t v0 = MG_DSP_OUT(lean, a0, q[1], sh[0], o[0], o[1], o[2]);
    const int32_t v1 = MG_DSP_OUT(lean, a1, q[3], sh[1], o[0], o[1], o[2]);
    const int32_t v2 = MG_DSP_OUT(lean, a2, q[5], sh[2], o[0], o[1], o[2]);
    const int32_t v3 = MG_DSP_OUT(lean, a3, q[7], sh[3], o[0], o[1], o[2]);
    dst[0] = (int8_t)v0;
    dst[1] = (int8_t)v1;
    dst[2] = (int8_t)v2;
    dst[3] = (int8_t)v3;
}

static inline __attribute__((always_inline)) mg_status mg_dw_dsp_walk(const mg_depthwise_conv_2d_dsp_params *p, const int8_t *in, int8_t *out,
                                       mg_dw_dsp_pixel_fn *pixel)
{
    const int8_t *tap[MG_DW_DSP_MAX_TAPS + 2]; /* + a NULL pair ending the list */
    mg_row_stream rows;
    int8_t *pad_row;
    int32_t ox, i, taps;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->quant == NULL || p->shift == NULL || p->scratch == NULL
        || p->channels <= 0 || p->channels % 4 != 0 || p->taps_even % 2 != 0
        || p->taps_even < p->filter_h * p->filter_w || p->taps_even > MG_DW_DSP_MAX_TAPS
        || ((uintptr_t)p->filter & 3u) != 0) {
        return MG_ERR_ARG;
    }
    taps = p->filter_h * p->filter_w;
    pad_row = p->scratch;
    for (i = 0; i < p->channels; ++i) {
        pad_row[i] = (int8_t)p->pad_value;
    }
    for (i = taps; i < p->taps_even; ++i) {
        tap[i] = pad_row; /* meets zero weights */
    }
    tap[p->taps_even] = NULL;
    tap[p->taps_even + 1] = NULL;
    MG_STREAM_CHANNELS(&rows, p, in, out, p->scratch + p->channels); /* after the row of the zero point */
    while (mg_stream_next(&rows)) {
        const int32_t iy0 = rows.oy * p->stride_h - p->pad_top;
        for (ox = 0; ox < p->out_w; ++ox) {
            MG_WINDOW_TAPS(tap, p, rows.in, pad_row, iy0, ox * p->stride_w - p->pad_left);
            pixel(p, tap, rows.row + ox * p->channels);
        }
    }
    return MG_OK;
}


/* Scratch of both kernels: a row of the zero point (channels), then one output row
 * (out_w * channels) (-1 when p is NULL). */
static inline int32_t mg_dw_dsp_scratch_bytes(const mg_depthwise_conv_2d_dsp_params *p)
{
    return p == NULL ? -1 : p->channels + p->out_w * p->channels;
}

#endif /* MG_DEPTHWISE_DSP_H */
