/* The generated models' C API (docs/design.md) for the firmware apps, bench_main.c and
 * selftest_main.c: a table indexed by model, mg_models_table[k] for k < MG_MODELS_TABLE_COUNT.
 *
 * One model (the default): the table is built here from its header (MG_MODEL_HEADER, default
 * "model.h") and symbol prefix: MODEL_FN(_invoke) is <prefix>_invoke, MODEL_CONST(_NUM_INPUTS)
 * is <PREFIX>_NUM_INPUTS. The prefix defaults to `model`; a project generated with another
 * prefix builds the apps with -DMG_MODEL_PREFIX=<prefix> -DMG_MODEL_PREFIX_UPPER=<PREFIX>.
 * Several models in one firmware: the project's generated mg_models_table.h defines the table
 * (-DMG_MODELS_TABLE). */
#ifndef MG_MODEL_API_H
#define MG_MODEL_API_H

#include <stdint.h>

#include "mg_types.h"

typedef struct {
    const char *name; /* the model's C prefix */
    const char *sha256; /* of the int8 .tflite it was generated from */
    int32_t num_inputs;
    int32_t num_outputs;
    int32_t num_layers;
    const mg_tensor_info *input_info;
    const mg_tensor_info *output_info;
    const char *const *layer_names;
    int8_t *(*input)(int index);
    int8_t *(*output)(int index);
    int (*invoke)(void);
    void (*reset_state)(void);
} mg_model_entry;

#define MG_CAT2(a, b) a##b
#define MG_CAT(a, b) MG_CAT2(a, b)
#define MG_STR2(a) #a
#define MG_STR(a) MG_STR2(a)

#ifdef MG_MODELS_TABLE
#include "mg_models_table.h"
#else

#ifndef MG_MODEL_HEADER
#define MG_MODEL_HEADER "model.h"
#endif
#include MG_MODEL_HEADER

#ifndef MG_MODEL_PREFIX
#define MG_MODEL_PREFIX model
#define MG_MODEL_PREFIX_UPPER MODEL
#endif
#define MODEL_FN(name) MG_CAT(MG_MODEL_PREFIX, name)
#define MODEL_CONST(name) MG_CAT(MG_MODEL_PREFIX_UPPER, name)

#define MG_MODELS_TABLE_COUNT 1
#define MG_MODELS_TABLE_MAX_LAYERS MODEL_CONST(_NUM_LAYERS)
#define MG_MODELS_TABLE_ARENA_BYTES MODEL_CONST(_ARENA_TOTAL_BYTES) /* every RAM region's arena */
#define MG_MODELS_TABLE_CONCURRENT 0

static const mg_model_entry mg_models_table[1] = {
    { MG_STR(MG_MODEL_PREFIX), MODEL_CONST(_MODEL_SHA256), MODEL_CONST(_NUM_INPUTS),
      MODEL_CONST(_NUM_OUTPUTS), MODEL_CONST(_NUM_LAYERS), MODEL_FN(_input_info), MODEL_FN(_output_info),
      MODEL_FN(_layer_names), MODEL_FN(_input), MODEL_FN(_output), MODEL_FN(_invoke),
      MODEL_FN(_reset_state) },
};

#endif /* MG_MODELS_TABLE */

#endif /* MG_MODEL_API_H */
