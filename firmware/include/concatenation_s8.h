/* CONCATENATION, int8: inputs share the output's quantization (TFLM requires it), so this is
 * a byte interleave. */
#ifndef MG_CONCATENATION_S8_H
#define MG_CONCATENATION_S8_H

#include "mg_types.h"

typedef struct {
    int32_t num_inputs;          /* 1..10 for CONCATENATION (as TFLM), any for PACK */
    int32_t outer;               /* product of the dims before the axis */
    const int32_t *chunk_bytes;  /* [num_inputs] bytes each input contributes per outer step */
} mg_concatenation_params;

/* Called as mg_concatenation_s8(p, const int8_t *in_0, ..., const int8_t *in_{n-1}, int8_t *out):
 * the number of inputs varies per layer and is p->num_inputs. `out` must not overlap an input. */
mg_status mg_concatenation_s8(const mg_concatenation_params *p, ...);

#endif /* MG_CONCATENATION_S8_H */
