/* MIRROR_PAD, int8 (TFLM mirror_pad.cc, REFLECT and SYMMETRIC): every output index maps, dim by
 * dim, to one input index, so Python gives each dim a table of input element offsets (index
 * times the input's stride) and output element (o_0, .., o_n) copies input element
 * sum_d offsets_d[o_d]. Values are copied as they are. */
#ifndef MG_MIRROR_PAD_S8_H
#define MG_MIRROR_PAD_S8_H

#include "mg_types.h"

typedef struct {
    int32_t rank;            /* 1..6 */
    const int32_t *dims;     /* [rank] output extents */
    const int32_t *offsets;  /* [sum of dims]: dim 0's table, then dim 1's, ... */
} mg_mirror_pad_params;

/* `out` must not overlap `in`. */
mg_status mg_mirror_pad_s8(const mg_mirror_pad_params *p, const int8_t *in, int8_t *out);

#endif /* MG_MIRROR_PAD_S8_H */
