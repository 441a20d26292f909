#include "batch_matmul_s8.h"

mg_status mg_batch_matmul_s8(const mg_batch_matmul_params *p, const int8_t *lhs, const int8_t *rhs,
                             int8_t *out)
{
    int32_t b, i, j, k;
    if (p == NULL || p->lhs_batch == NULL || p->rhs_batch == NULL || lhs == NULL || rhs == NULL
        || out == NULL) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) {
        const int8_t *a = lhs + p->lhs_batch[b];
        const int8_t *m = rhs + p->rhs_batch[b];
        for (i = 0; i < p->rows; ++i) {
            for (j = 0; j < p->cols; ++j) {
                const int8_t *x = a + i * p->lhs_row_stride;
                const int8_t *y = m + j * p->rhs_col_stride;
                int32_t acc = 0, v;
                for (k = 0; k < p->depth; ++k) {
                    acc += ((int32_t)x[k * p->lhs_depth_stride] + p->lhs_offset)
                           * ((int32_t)y[k * p->rhs_depth_stride] + p->rhs_offset);
                }
                v = mg_requantize(acc, p->output_multiplier, p->output_shift) + p->output_offset;
                *out++ = (int8_t)mg_clamp_i32(v, -128, 127);
            }
        }
    }
    return MG_OK;
}
