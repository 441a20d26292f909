/* The broadcast walk of the binary element-wise kernels (ADD, SUB, MUL): the output in
 * row-major order over a collapsed iteration space (mcugen/ops/shapes.py broadcast_iteration:
 * at most MG_BROADCAST_MAX_DIMS dims, stride 0 where an input broadcasts). A kernel runs its
 * innermost dim itself, then calls mg_broadcast_next_row for the next one; MG_BROADCAST_APPLY
 * does exactly that for a params struct with fields rank, dims, stride1 and stride2. */
#ifndef MG_BROADCAST_H
#define MG_BROADCAST_H

#include "mg_types.h"

#define MG_BROADCAST_MAX_DIMS 6

/* The first fields of a binary kernel's params struct (mcugen/ops/elementwise.py binary_call
 * emits them in this order): the walk MG_BROADCAST_APPLY takes, then the operands' zero points. */
#define MG_BROADCAST_BINARY_FIELDS                                                           \
    int32_t rank;           /* dims of the collapsed output iteration space, 1..6 */        \
    const int32_t *dims;    /* [rank] output extent per dim */                               \
    const int32_t *stride1; /* [rank] element stride of input 1 per dim (0 = broadcast) */   \
    const int32_t *stride2; /* [rank] element stride of input 2 per dim (0 = broadcast) */   \
    int32_t input1_offset;  /* -input1 zero point */                                        \
    int32_t input2_offset;  /* -input2 zero point */                                        \
    int32_t output_offset;  /* output zero point */

typedef struct {
    int32_t idx[MG_BROADCAST_MAX_DIMS];
    int32_t off1, off2; /* element offsets of the current row's start in each input */
} mg_broadcast_pos;

static inline int mg_broadcast_rank_ok(int32_t rank)
{
    return rank >= 1 && rank <= MG_BROADCAST_MAX_DIMS;
}

static inline void mg_broadcast_start(mg_broadcast_pos *pos)
{
    int32_t d;
    for (d = 0; d < MG_BROADCAST_MAX_DIMS; ++d) {
        pos->idx[d] = 0;
    }
    pos->off1 = 0;
    pos->off2 = 0;
}

/* Advances the outer dims like an odometer; returns 0 once the outermost wraps (walk done). */
static inline int mg_broadcast_next_row(mg_broadcast_pos *pos, int32_t rank, const int32_t *dims,
                                        const int32_t *stride1, const int32_t *stride2)
{
    int32_t d;
    for (d = rank - 2; d >= 0; --d) {
        pos->off1 += stride1[d];
        pos->off2 += stride2[d];
        if (++pos->idx[d] < dims[d]) {
            return 1;
        }
        pos->off1 -= stride1[d] * dims[d];
        pos->off2 -= stride2[d] * dims[d];
        pos->idx[d] = 0;
    }
    return 0;
}

/* out[k] = FN(p, in1[.], in2[.]) for every output element k in order. The inputs' elements for
 * k are read before out[k] is written, so `out` may be a same-shape input's buffer. */
#define MG_BROADCAST_APPLY(FN, p, in1, in2, out)                                          \
    do {                                                                                  \
        mg_broadcast_pos pos_;                                                            \
        const int32_t inner_ = (p)->dims[(p)->rank - 1];                                  \
        const int32_t s1_ = (p)->stride1[(p)->rank - 1], s2_ = (p)->stride2[(p)->rank - 1]; \
        int8_t *o_ = (out);                                                               \
        int32_t j_;                                                                       \
        mg_broadcast_start(&pos_);                                                        \
        do {                                                                              \
            for (j_ = 0; j_ < inner_; ++j_) {                                             \
                *o_++ = FN((p), (in1)[pos_.off1 + j_ * s1_], (in2)[pos_.off2 + j_ * s2_]); \
            }                                                                             \
        } while (mg_broadcast_next_row(&pos_, (p)->rank, (p)->dims, (p)->stride1, (p)->stride2)); \
    } while (0)

#endif /* MG_BROADCAST_H */
