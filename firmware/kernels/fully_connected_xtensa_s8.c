#include "fully_connected_xtensa_s8.h"

mg_status mg_fully_connected_xtensa_s8(const mg_fully_connected_xtensa_params *p, const int8_t *in, int8_t *out)
{
    uint8_t *row = (uint8_t *)p->scratch;
    int32_t b;
    if (p == NULL || in == NULL || out == NULL || p->filter == NULL || p->scratch == NULL) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) {
        const uint32_t sum = mg_xt_offset_bytes(in + (size_t)b * (size_t)p->accum_depth, row, p->accum_depth);
        mg_xt_channels(row, p->accum_depth, 0u - 128u * sum, p->filter, MG_XT_QUANT(p), p->output_depth,
                       out + (size_t)b * (size_t)p->output_depth);
    }
    return MG_OK;
}

int32_t mg_fully_connected_xtensa_s8_scratch_bytes(const mg_fully_connected_xtensa_params *p)
{
    return p == NULL ? -1 : p->accum_depth;
}
