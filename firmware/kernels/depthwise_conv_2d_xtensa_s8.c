#include "depthwise_conv_2d_xtensa_s8.h"

/* Where each tap of the window at (iy0, ix0) reads its channels: the input pixel, or the row of
 * the zero point for taps outside the image (equal to TFLM skipping them, the input offset being
 * folded into the bias). */
static void tap_pointers(const mg_depthwise_conv_2d_xtensa_params *p, const int8_t *in_b, const int8_t *pad_row,
                         int32_t iy0, int32_t ix0, const int8_t **taps)
{
    int32_t fy, fx;
    for (fy = 0; fy < p->filter_h; ++fy) {
        const int32_t iy = iy0 + fy * p->dilation_h;
        for (fx = 0; fx < p->filter_w; ++fx) {
            const int32_t ix = ix0 + fx * p->dilation_w;
            *taps++ = (iy < 0 || iy >= p->in_h || ix < 0 || ix >= p->in_w)
                      ? pad_row : in_b + ((size_t)iy * (size_t)p->in_w + (size_t)ix) * (size_t)p->channels;
        }
    }
}

/* Four channels from c, tap by tap: one word of four activations (x + 128) per tap times four
 * int16 weights. Not inlined: alone its loop keeps everything in registers; on Xtensa it is
 * spelled out (GCC spills it anyway): 23 instructions for 4 products. */
static __attribute__((noinline)) void four_channels(const int8_t *const *tap, const int8_t *const *end, int32_t c,
                                                    const int16_t *w, int32_t channels, uint32_t acc[4])
{
    uint32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
#if defined(__XTENSA__)
    const uint32_t offset = 0x80808080u;
    const int32_t w_step = channels * 2;
    uint32_t x, t, wv;
    __asm__("1:\n\t"
            "l32i   %[x], %[tap], 0\n\t"
            "add    %[x], %[x], %[c]\n\t"
            "l32i   %[x], %[x], 0\n\t"
            "l32i   %[wv], %[w], 0\n\t"              /* weights by word: also from ESP8266 flash */
            "xor    %[x], %[x], %[off]\n\t"
            "extui  %[t], %[x], 0, 8\n\t"
            "mul16s %[t], %[t], %[wv]\n\t"         /* the low half: w[0] */
            "srai   %[wv], %[wv], 16\n\t"
            "add    %[a0], %[a0], %[t]\n\t"
            "extui  %[t], %[x], 8, 8\n\t"
            "mul16s %[t], %[t], %[wv]\n\t"
            "l32i   %[wv], %[w], 4\n\t"
            "add    %[a1], %[a1], %[t]\n\t"
            "extui  %[t], %[x], 16, 8\n\t"
            "mul16s %[t], %[t], %[wv]\n\t"
            "srai   %[wv], %[wv], 16\n\t"
            "add    %[a2], %[a2], %[t]\n\t"
            "extui  %[t], %[x], 24, 8\n\t"
            "mul16s %[t], %[t], %[wv]\n\t"
            "addi   %[tap], %[tap], 4\n\t"
            "add    %[a3], %[a3], %[t]\n\t"
            "add    %[w], %[w], %[ws]\n\t"
            "bltu   %[tap], %[end], 1b\n\t"
            : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [tap] "+r"(tap), [w] "+r"(w),
              [x] "=&r"(x), [t] "=&r"(t), [wv] "=&r"(wv)
            : [end] "r"(end), [c] "r"(c), [off] "r"(offset), [ws] "r"(w_step)
            : "memory");
#else
    for (; tap < end; ++tap, w += channels) {
        const uint32_t x = mg_xt_offset_word(*tap + c);
        a0 += (uint32_t)((int32_t)(x & 0xFFu) * w[0]);
        a1 += (uint32_t)((int32_t)((x >> 8) & 0xFFu) * w[1]);
        a2 += (uint32_t)((int32_t)((x >> 16) & 0xFFu) * w[2]);
        a3 += (uint32_t)((int32_t)(x >> 24) * w[3]);
    }
#endif
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

mg_status mg_depthwise_conv_2d_xtensa_s8(const mg_depthwise_conv_2d_xtensa_params *p, const int8_t *in,
                                         int8_t *out)
{
    mg_row_stream rows;
    const int8_t **taps;
    int8_t *pad_row;
    int32_t n_taps, ox, c, t, j, words;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->scratch == NULL
        || ((uintptr_t)p->scratch % sizeof(void *)) != 0) {
        return MG_ERR_ARG;
    }
    n_taps = p->filter_h * p->filter_w;
    taps = (const int8_t **)(void *)p->scratch;
    pad_row = p->scratch + (size_t)n_taps * MG_XT_POINTER_SLOT;
    for (c = 0; c < p->channels; ++c) {
        pad_row[c] = (int8_t)p->pad_value;
    }
    /* whole words when every tap's channels start word-aligned */
    words = p->channels % 4 == 0 && ((uintptr_t)in & 3u) == 0;
    MG_STREAM_CHANNELS(&rows, p, in, out, pad_row + p->channels);
    while (mg_stream_next(&rows)) {
        const int32_t iy0 = rows.oy * p->stride_h - p->pad_top;
        int8_t *dst = rows.row;
        for (ox = 0; ox < p->out_w; ++ox, dst += p->channels) {
            tap_pointers(p, rows.in, pad_row, iy0, ox * p->stride_w - p->pad_left, taps);
            for (c = 0; c < p->channels; c += 4) {
                const int32_t lanes = p->channels - c < 4 ? p->channels - c : 4;
                const int16_t *w = p->filter + c;
                uint32_t acc[4] = {0, 0, 0, 0};
                if (lanes == 4 && words) {
                    four_channels(taps, taps + n_taps, c, w, p->channels, acc);
                } else { /* channels not a multiple of 4: byte by byte */
                    for (t = 0; t < n_taps; ++t, w += p->channels) {
                        const uint8_t *x = (const uint8_t *)taps[t] + c;
                        for (j = 0; j < lanes; ++j) {
                            acc[j] += (uint32_t)((int32_t)(x[j] ^ 0x80u) * w[j]);
                        }
                    }
                }
                for (j = 0; j < lanes; ++j) {
                    acc[j] += (uint32_t)p->bias[c + j];
                }
                mg_xt_outputs4(acc, lanes, p->multiplier + c, p->right_shift + c, &p->out, dst + c);
            }
        }
    }
    return MG_OK;
}

int32_t mg_depthwise_conv_2d_xtensa_s8_scratch_bytes(const mg_depthwise_conv_2d_xtensa_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return p->filter_h * p->filter_w * MG_XT_POINTER_SLOT + p->channels + p->out_w * p->channels;
}
