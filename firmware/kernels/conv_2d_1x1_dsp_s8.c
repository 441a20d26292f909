#include "conv_2d_1x1_dsp_s8.h"

#include "mg_mm_dsp.h"

static void gather(const mg_conv_2d_1x1_dsp_params *p, const int8_t *in_b, const int8_t *in_end, int16_t *col,
                   int32_t oy, int32_t ox, int32_t n)
{
    const int32_t in_c = p->in_c;
    int32_t j;
    (void)in_end;
    for (j = 0; j < n; ++j, col += 4) {
        const size_t pixel = (size_t)(oy * p->stride_h) * (size_t)p->in_w + (size_t)(ox * p->stride_w);
        if (in_c % 8 == 0 && ((uintptr_t)in_b & 3u) == 0) {
            mg_mm_widen8(in_b + pixel * (size_t)in_c, in_c, col);
        } else {
            mg_mm_widen(in_b + pixel * (size_t)in_c, in_c, col, 12);
        }
        if (++ox == p->out_w) {
            ox = 0;
            ++oy;
        }
    }
}

mg_status mg_conv_2d_1x1_dsp_s8(const mg_conv_2d_1x1_dsp_params *p, const int8_t *in, int8_t *out)
{
    if (!mg_conv_mm_ok(p, in, out, p == NULL ? 0 : p->in_c) || p->filter_h != 1 || p->filter_w != 1) {
        return MG_ERR_ARG;
    }
    mg_conv_mm_run(p, in, out, mg_conv_mm_col_bytes(p->groups, 3), gather, p->stream);
    return MG_OK;
}

int32_t mg_conv_2d_1x1_dsp_s8_scratch_bytes(const mg_conv_2d_1x1_dsp_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return mg_conv_mm_col_bytes(p->groups, 3) + mg_conv_mm_stage_bytes(p);
}
