/* The streaming overlap contract of the windowed kernels (CONV_2D, DEPTHWISE_CONV_2D,
 * AVERAGE_POOL_2D, MAX_POOL_2D; docs/design.md), in one place: output row oy of batch b is
 * computed whole into scratch and only then copied to out + (b * out_h + oy) * row_bytes, rows in
 * increasing order, so the arena may put the output over input rows already consumed.
 *
 *     mg_row_stream rows;
 *     mg_stream_start(&rows, in, in_image_bytes, out, batches, out_h, row_bytes, scratch);
 *     while (mg_stream_next(&rows)) {
 *         ... compute output row rows.oy of the input image rows.in into rows.row ...
 *     }
 *
 * mg_stream_next copies the row just computed out before it hands over the next one, and returns
 * 0 after the last. `scratch` (row_bytes bytes) must not overlap `out`. */
#ifndef MG_STREAM_H
#define MG_STREAM_H

#include <string.h>

#include "mg_types.h"

typedef struct {
    const int8_t *in; /* the input image (batch) of row oy */
    int8_t *row;      /* where the kernel computes output row oy: row_bytes of scratch */
    int32_t oy;       /* the output row to compute, 0 .. out_h - 1 */
    /* the walk, mg_stream_next's own */
    const int8_t *in0_;
    int8_t *out_;
    size_t in_image_bytes_, row_bytes_;
    int32_t b_, batches_, out_h_;
} mg_row_stream;

/* The geometry a per-channel window kernel's params struct starts with (the pools, the DSP
 * depthwise convolution: output channel c reads input channel c), NHWC:
 *   batches; in_h, in_w, channels (input image); out_h, out_w; filter_h, filter_w; stride_h, stride_w */
#define MG_CHANNEL_WINDOW_FIELDS                                                             \
    int32_t batches;                                                                         \
    int32_t in_h, in_w, channels;                                                            \
    int32_t out_h, out_w;                                                                    \
    int32_t filter_h, filter_w;                                                              \
    int32_t stride_h, stride_w;

static inline void mg_stream_start(mg_row_stream *s, const int8_t *in, size_t in_image_bytes, int8_t *out,
                                   int32_t batches, int32_t out_h, int32_t row_bytes, int8_t *scratch)
{
    s->in = in;
    s->row = scratch;
    s->oy = -1; /* no row computed yet */
    s->in0_ = in;
    s->out_ = out;
    s->in_image_bytes_ = in_image_bytes;
    s->row_bytes_ = (size_t)row_bytes;
    s->b_ = 0;
    s->batches_ = out_h > 0 ? batches : 0;
    s->out_h_ = out_h;
}

static inline int mg_stream_next(mg_row_stream *s)
{
    if (s->oy >= 0) {
        /* the whole row is computed: only now may it overwrite input rows already consumed */
        memcpy(s->out_ + ((size_t)s->b_ * (size_t)s->out_h_ + (size_t)s->oy) * s->row_bytes_, s->row,
               s->row_bytes_);
    }
    if (++s->oy >= s->out_h_) {
        s->oy = 0;
        ++s->b_;
    }
    if (s->b_ >= s->batches_) {
        return 0;
    }
    s->in = s->in0_ + (size_t)s->b_ * s->in_image_bytes_;
    return 1;
}

/* mg_stream_start for params `p` with MG_CHANNEL_WINDOW_FIELDS: one input image per batch, one
 * output row (out_w * channels bytes) at a time in `scratch`. */
#define MG_STREAM_CHANNELS(rows, p, in, out, scratch)                                          \
    mg_stream_start((rows), (in), (size_t)(p)->in_h * (size_t)(p)->in_w * (size_t)(p)->channels, (out), \
                    (p)->batches, (p)->out_h, (p)->out_w * (p)->channels, (scratch))

/* The input pixel of each tap of the window whose top-left tap is at (iy0, ix0), row by row,
 * into tap[0 .. filter_h * filter_w): a pointer into `in` (the streamed image), or `pad_row` (a
 * row of the input zero point) where the tap falls outside the image. For params with
 * MG_CHANNEL_WINDOW_FIELDS and dilation_h, dilation_w. */
#define MG_WINDOW_TAPS(tap, p, in, pad_row, iy0, ix0)                                                     \
    mg_window_taps((tap), (in), (pad_row), (p)->in_h, (p)->in_w, (p)->channels, (iy0), (ix0), (p)->filter_h, \
                   (p)->filter_w, (p)->dilation_h, (p)->dilation_w)

static inline __attribute__((always_inline)) void mg_window_taps(const int8_t **tap, const int8_t *in,
                                                                  const int8_t *pad_row, int32_t in_h, int32_t in_w,
                                                                  int32_t channels, int32_t iy0, int32_t ix0,
                                                                  int32_t filter_h, int32_t filter_w,
                                                                  int32_t dilation_h, int32_t dilation_w)
{
    int32_t fy, fx, t = 0;
    for (fy = 0; fy < filter_h; ++fy) {
        const int32_t iy = iy0 + fy * dilation_h;
        for (fx = 0; fx < filter_w; ++fx, ++t) {
            const int32_t ix = ix0 + fx * dilation_w;
            tap[t] = (iy >= 0 && iy < in_h && ix >= 0 && ix < in_w)
                         ? in + ((size_t)iy * (size_t)in_w + (size_t)ix) * (size_t)channels
                         : pad_row;
        }
    }
}

#endif /* MG_STREAM_H */
