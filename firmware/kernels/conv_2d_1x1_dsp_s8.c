#include "conv_2d_1x1_dsp_s8.h"

#include "mg_mm_dsp.h"

mg_status mg_conv_2d_1x1_dsp_s8(const mg_conv_2d_1x1_dsp_params *p, const int8_t *in, int8_t *out)
{
    if (!mg_conv_mm_ok(p, in, out, p == NULL ? 0 : p->in_c) || p->filter_h != 1 || p->filter_w != 1) {
        return MG_ERR_ARG;
    }
    mg_conv_mm_run(p, in, out, mg_conv_mm_col_bytes(p->groups, 3), mg_conv_mm_gather_1x1);
    return MG_OK;
}

int32_t mg_conv_2d_1x1_dsp_s8_scratch_bytes(const mg_conv_2d_1x1_dsp_params *p)
{
    if (p == NULL) {
        return -1;
    }
    return mg_conv_mm_scratch_bytes(p, mg_conv_mm_col_bytes(p->groups, 3));
}
