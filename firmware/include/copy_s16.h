/* Element copy of int16 tensors for view ops (RESHAPE, SQUEEZE, EXPAND_DIMS) whose output the
 * plan did not alias (16x8 models). */
#ifndef MG_COPY_S16_H
#define MG_COPY_S16_H

#include "mg_types.h"

typedef struct {
    int32_t bytes; /* an even count: the tensor's bytes */
} mg_copy_s16_params;

/* Copies p->bytes / 2 elements from `in` to `out`; any overlap is allowed (memmove semantics). */
mg_status mg_copy_s16(const mg_copy_s16_params *p, const int16_t *in, int16_t *out);

#endif /* MG_COPY_S16_H */
