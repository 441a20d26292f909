/* PAD and PADV2, int16 activations (16x8 models): as pad_s8.h with 16-bit elements (the pad value
 * is the output zero point, or PADV2's int16 constant). Values are not requantized, as in TFLM. */
#ifndef MG_PAD_S16_H
#define MG_PAD_S16_H

#include "pad_s8.h"

typedef mg_pad_params mg_pad_s16_params;

/* `out` must not overlap `in`. */
mg_status mg_pad_s16(const mg_pad_s16_params *p, const int16_t *in, int16_t *out);

#endif /* MG_PAD_S16_H */
