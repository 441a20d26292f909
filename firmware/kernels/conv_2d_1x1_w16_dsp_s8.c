#include "conv_2d_1x1_w16_dsp_s8.h"

#include "mg_mm_dsp.h"

/* Where the widened weights start: after the column and the staging area, word-aligned. */
static int32_t weights_at(const mg_conv_2d_1x1_w16_dsp_params *p)
{
    return (mg_conv_mm_col_bytes(p->groups, 3) + mg_conv_mm_stage_bytes(p) + 3) & ~3;
}

mg_status mg_conv_2d_1x1_w16_dsp_s8(const mg_conv_2d_1x1_w16_dsp_params *p, const int8_t *in, int8_t *out)
{
    int8_t *w16;
    if (!mg_conv_mm_ok(p, in, out, p == NULL ? 0 : p->in_c) || p->filter_h != 1 || p->filter_w != 1) {
        return MG_ERR_ARG;
    }
    w16 = p->scratch + weights_at(p);
    mg_mm_widen_stream(p->stream, (p->out_c + 1) / 2, p->groups, w16);
    mg_conv_mm_run(p, in, out, mg_conv_mm_col_bytes(p->groups, 3), mg_conv_mm_gather_1x1, w16);
    return MG_OK;
}

int32_t mg_conv_2d_1x1_w16_dsp_s8_scratch_bytes(const mg_conv_2d_1x1_w16_dsp_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return weights_at(p) + (p->out_c + 1) / 2 * (16 + 16 * p->groups);
}
