/* The generated model's C API (docs/design.md) for the firmware apps, bench_main.c and
 * selftest_main.c, whatever its symbol prefix: includes the model header (MG_MODEL_HEADER,
 * default "model.h") and names its symbols: MODEL_FN(_invoke) is <prefix>_invoke,
 * MODEL_CONST(_NUM_INPUTS) is <PREFIX>_NUM_INPUTS. The prefix defaults to `model`; a project
 * generated with another prefix builds the apps with -DMG_MODEL_PREFIX=<prefix>
 * -DMG_MODEL_PREFIX_UPPER=<PREFIX>. */
#ifndef MG_MODEL_API_H
#define MG_MODEL_API_H

#ifndef MG_MODEL_HEADER
#define MG_MODEL_HEADER "model.h"
#endif
#include MG_MODEL_HEADER

#ifndef MG_MODEL_PREFIX
#define MG_MODEL_PREFIX model
#define MG_MODEL_PREFIX_UPPER MODEL
#endif
#define MG_CAT2(a, b) a##b
#define MG_CAT(a, b) MG_CAT2(a, b)
#define MODEL_FN(name) MG_CAT(MG_MODEL_PREFIX, name)
#define MODEL_CONST(name) MG_CAT(MG_MODEL_PREFIX_UPPER, name)

#endif /* MG_MODEL_API_H */
