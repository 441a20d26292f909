/* A hand-written stand-in that follows the generated C API (docs/design.md), so the bench
 * firmware and client can be tested on the host without the code generator. Two layers on a
 * 1500-byte input (more than one protocol frame): out[i] = -(in[i] + 1), saturating; an input
 * starting 42, 42 makes layer 1 fail (invoke returns 2). */
#ifndef MODEL_H
#define MODEL_H

#include <stdint.h>

#include "mg_types.h"

#define MODEL_NUM_INPUTS 1
#define MODEL_NUM_OUTPUTS 1
#define MODEL_NUM_LAYERS 2
#define MODEL_ARENA_BYTES 3000
#define MODEL_ARENA_TOTAL_BYTES MODEL_ARENA_BYTES
#define MODEL_MODEL_SHA256 "7e57000000000000000000000000000000000000000000000000000000000000"

extern const mg_tensor_info model_input_info[MODEL_NUM_INPUTS];
extern const mg_tensor_info model_output_info[MODEL_NUM_OUTPUTS];
extern const char *const model_layer_names[MODEL_NUM_LAYERS];
extern uint8_t model_arena[MODEL_ARENA_BYTES];

int8_t *model_input(int index);
int8_t *model_output(int index);
int model_invoke(void);
void model_reset_state(void); /* stateless: does nothing, as in a generated stateless model */

#endif
