#include "add_s8.h"

static int8_t add_one(const mg_add_params *p, int8_t x, int8_t y)
{
    const int32_t a = ((int32_t)x + p->input1_offset) * ((int32_t)1 << p->left_shift);
    const int32_t b = ((int32_t)y + p->input2_offset) * ((int32_t)1 << p->left_shift);
    const int32_t sum = mg_requantize(a, p->input1_multiplier, p->input1_shift)
                        + mg_requantize(b, p->input2_multiplier, p->input2_shift);
    const int32_t v = mg_requantize(sum, p->output_multiplier, p->output_shift) + p->output_offset;
    return (int8_t)mg_clamp_i32(v, p->act_min, p->act_max);
}

mg_status mg_add_s8(const mg_add_params *p, const int8_t *in1, const int8_t *in2, int8_t *out)
{
    int32_t i0, i1, i2, i3, i4, i5;
    int32_t i = 0;
    if (p == NULL || in1 == NULL || in2 == NULL || out == NULL) {
        return MG_ERR_ARG;
    }
    if (!p->broadcast) {
        for (i = 0; i < p->size; ++i) {
            out[i] = add_one(p, in1[i], in2[i]); /* reads element i before writing it */
        }
        return MG_OK;
    }
    for (i0 = 0; i0 < p->dims[0]; ++i0)
    for (i1 = 0; i1 < p->dims[1]; ++i1)
    for (i2 = 0; i2 < p->dims[2]; ++i2)
    for (i3 = 0; i3 < p->dims[3]; ++i3)
    for (i4 = 0; i4 < p->dims[4]; ++i4)
    for (i5 = 0; i5 < p->dims[5]; ++i5) {
        const int32_t a = i0 * p->strides1[0] + i1 * p->strides1[1] + i2 * p->strides1[2]
                          + i3 * p->strides1[3] + i4 * p->strides1[4] + i5 * p->strides1[5];
        const int32_t b = i0 * p->strides2[0] + i1 * p->strides2[1] + i2 * p->strides2[2]
                          + i3 * p->strides2[3] + i4 * p->strides2[4] + i5 * p->strides2[5];
        out[i] = add_one(p, in1[a], in2[b]);
        ++i;
    }
    return MG_OK;
}
