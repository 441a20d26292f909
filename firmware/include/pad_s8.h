/* PAD and PADV2, int8: the input copied into a block of the output, the rest filled with the
 * pad value (the output zero point, or PADV2's constant). Values are not requantized, as in TFLM. */
#ifndef MG_PAD_S8_H
#define MG_PAD_S8_H

#include "mg_types.h"

typedef struct {
    int32_t output_size;           /* output elements */
    int32_t pad_value;
    int32_t rank;                  /* 1..6 */
    const int32_t *input_dims;     /* [rank] */
    const int32_t *output_strides; /* [rank] output element strides */
    int32_t first;                 /* output offset of input element 0 (sum of left pads * strides) */
} mg_pad_params;

/* `out` must not overlap `in`. */
mg_status mg_pad_s8(const mg_pad_params *p, const int8_t *in, int8_t *out);

#endif /* MG_PAD_S8_H */
