#include "conv_2d_rgb_dsp_s8.h"

#include "mg_mm_dsp.h"

static int32_t raw_bytes(const mg_conv_2d_rgb_dsp_params *p)
{
    return 4 * p->groups + 4;
}

static uint32_t read_u16(const int8_t *x)
{
    uint16_t v;
    memcpy(&v, x, 2);
    return v;
}

/* One group of 4 taps into its slot, in sxtb16 order. */
static inline __attribute__((always_inline)) void widen_word(int16_t *slot, uint32_t w)
{
    mg_write_u32(slot, mg_sxtb16(w));
    mg_write_u32(slot + 2, mg_sxtb16_ror8(w));
}

/* The window of output pixel (oy, ox) into pixel slot `slot`. */
static inline __attribute__((always_inline)) void window(const mg_conv_2d_rgb_dsp_params *p, const int8_t *in_b,
                                                          const int8_t *in_end, int16_t *slot, int32_t oy,
                                                          int32_t ox)
{
    const int32_t iy0 = oy * p->stride_h - p->pad_top, ix0 = ox * p->stride_w - p->pad_left;
    (void)in_end;
    if (iy0 >= 0 && iy0 + 2 * p->dilation_h < p->in_h && ix0 >= 0 && ix0 + 3 <= p->in_w) {
        /* rows of 9 bytes: taps 0-8, 9-17, 18-26 (little-endian words), tap 27 reads 0 */
        const size_t row_step = (size_t)p->dilation_h * (size_t)p->in_w * 3u;
        const int8_t *r0 = in_b + ((size_t)iy0 * (size_t)p->in_w + (size_t)ix0) * 3u;
        const int8_t *r1 = r0 + row_step, *r2 = r1 + row_step;
        widen_word(slot, mg_read_u32(r0));
        widen_word(slot + 12, mg_read_u32(r0 + 4));
        widen_word(slot + 24, (uint32_t)(uint8_t)r0[8] | mg_read_u32(r1) << 8);
        widen_word(slot + 36, mg_read_u32(r1 + 3));
        widen_word(slot + 48, read_u16(r1 + 7) | mg_read_u32(r2) << 16);
        widen_word(slot + 60, mg_read_u32(r2 + 2));
        widen_word(slot + 72, mg_read_u32(r2 + 5) >> 8);
        return;
    }
    mg_conv_mm_window(p, in_b, p->scratch + mg_conv_mm_col_bytes(p->groups, 3), slot, iy0, ix0);
}

static void gather(const mg_conv_2d_rgb_dsp_params *p, const int8_t *in_b, const int8_t *in_end, int16_t *col,
                   int32_t oy, int32_t ox, int32_t n)
{
    int32_t j;
    for (j = 0; j < n; ++j) {
        window(p, in_b, in_end, col + 4 * j, oy, ox);
        if (++ox == p->out_w) {
            ox = 0;
            ++oy;
        }
    }
}

mg_status mg_conv_2d_rgb_dsp_s8(const mg_conv_2d_rgb_dsp_params *p, const int8_t *in, int8_t *out)
{
    int32_t stage_at;
    if (!mg_conv_mm_ok(p, in, out, 27) || p->in_c != 3 || p->filter_h != 3 || p->filter_w != 3
        || p->dilation_w != 1 || p->groups != 7) {
        return MG_ERR_ARG;
    }
    stage_at = mg_conv_mm_col_bytes(p->groups, 3) + raw_bytes(p);
    memset(p->scratch + stage_at - raw_bytes(p), 0, (size_t)raw_bytes(p)); /* its last group: defined */
    mg_conv_mm_run(p, in, out, stage_at, gather);
    return MG_OK;
}

int32_t mg_conv_2d_rgb_dsp_s8_scratch_bytes(const mg_conv_2d_rgb_dsp_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return mg_conv_mm_scratch_bytes(p, mg_conv_mm_col_bytes(p->groups, 3) + raw_bytes(p));
}
