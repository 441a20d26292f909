/* CONCATENATION, int16 (16x8 models): inputs share the output's quantization (TFLM requires it),
 * so this is an element interleave. */
#ifndef MG_CONCATENATION_S16_H
#define MG_CONCATENATION_S16_H

#include "mg_types.h"

typedef struct {
    int32_t num_inputs;             /* 1..10, as TFLM */
    int32_t outer;                  /* product of the dims before the axis */
    const int32_t *chunk_elements;  /* [num_inputs] elements each input contributes per outer step */
} mg_concatenation_s16_params;

/* Called as mg_concatenation_s16(p, const int16_t *in_0, ..., const int16_t *in_{n-1}, int16_t *out):
 * the number of inputs varies per layer and is p->num_inputs. `out` must not overlap an input. */
mg_status mg_concatenation_s16(const mg_concatenation_s16_params *p, ...);

#endif /* MG_CONCATENATION_S16_H */
