/* BATCH_MATMUL, int8 (TFLM reference arithmetic): out[b][i][j] = requantize(sum over k of
 * (lhs[b][i][k] + lhs_offset) * (rhs[b][k][j] + rhs_offset)). adj_x / adj_y are strides and
 * broadcast batches are per-batch offsets, computed in Python. */
#ifndef MG_BATCH_MATMUL_S8_H
#define MG_BATCH_MATMUL_S8_H

#include "mg_types.h"

typedef struct {
    int32_t batches;                 /* output matrices */
    int32_t rows, cols, depth;       /* out is batches x rows x cols; depth is summed over */
    int32_t lhs_row_stride, lhs_depth_stride;
    int32_t rhs_depth_stride, rhs_col_stride;
    const int32_t *lhs_batch;        /* [batches] element offset of each batch's lhs matrix */
    const int32_t *rhs_batch;        /* [batches] the same for rhs (0 where it broadcasts) */
    int32_t lhs_offset, rhs_offset;  /* -zero points */
    int32_t output_offset;
    int32_t output_multiplier, output_shift;
} mg_batch_matmul_params;

/* `out` must not overlap either operand. */
mg_status mg_batch_matmul_s8(const mg_batch_matmul_params *p, const int8_t *lhs, const int8_t *rhs,
                             int8_t *out);

#endif /* MG_BATCH_MATMUL_S8_H */
