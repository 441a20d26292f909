/* Strided copy, int16 activations (16x8 models): strided_copy_s8.h with 16-bit elements (starts,
 * strides and dims count elements). Values are copied as they are, as in TFLM. */
#ifndef MG_STRIDED_COPY_S16_H
#define MG_STRIDED_COPY_S16_H

#include "strided_copy_s8.h"

typedef mg_strided_copy_params mg_strided_copy_s16_params;

/* Called as mg_strided_copy_s16(p, const int16_t *in, int16_t *out_0, ..., int16_t *out_{n-1}),
 * n = p->num_outputs. No output may overlap the input or another output. */
mg_status mg_strided_copy_s16(const mg_strided_copy_s16_params *p, const int16_t *in, ...);

#endif /* MG_STRIDED_COPY_S16_H */
