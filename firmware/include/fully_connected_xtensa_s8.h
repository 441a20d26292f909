/* FULLY_CONNECTED (symmetric weights) for the xtensa kernel variant: unsigned bytes through
 * MUL16U, see mg_xtensa.h; data laid out by mcugen/ops/variants_xtensa.py. */
#ifndef MG_FULLY_CONNECTED_XTENSA_S8_H
#define MG_FULLY_CONNECTED_XTENSA_S8_H

#include "fully_connected_s8.h"
#include "mg_xtensa.h"

typedef struct {
    MG_FULLY_CONNECTED_DIMS
    const uint8_t *filter; /* [ceil(output_depth / 4)][accum_depth][4], each w + 128 */
    MG_XT_QUANT_FIELDS     /* bias: bias + (input_offset - 128) * sum(w), per channel */
    int8_t *scratch;       /* accum_depth bytes: the input row, unsigned */
} mg_fully_connected_xtensa_params;

mg_status mg_fully_connected_xtensa_s8(const mg_fully_connected_xtensa_params *p, const int8_t *in, int8_t *out);

int32_t mg_fully_connected_xtensa_s8_scratch_bytes(const mg_fully_connected_xtensa_params *p);

#endif /* MG_FULLY_CONNECTED_XTENSA_S8_H */
