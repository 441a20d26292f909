/* Byte copy for view ops (RESHAPE, SQUEEZE, EXPAND_DIMS) whose output the plan did not alias. */
#ifndef MG_COPY_S8_H
#define MG_COPY_S8_H

#include "mg_types.h"

typedef struct {
    int32_t bytes;
} mg_copy_params;

/* Copies p->bytes from `in` to `out`; any overlap is allowed (memmove semantics). */
mg_status mg_copy_s8(const mg_copy_params *p, const int8_t *in, int8_t *out);

#endif /* MG_COPY_S8_H */
