/* Per-layer timing for the bench firmware: the generated model.c includes this through
 * MG_HOOKS_HEADER and wraps layer i in MG_LAYER_BEGIN(i) / MG_LAYER_END(i). Macros, not calls,
 * so a layer costs only two counter reads and a store. bench_main.c owns the storage. */
#ifndef MG_BENCH_HOOKS_H
#define MG_BENCH_HOOKS_H

#include <stdint.h>

#include "mg_board.h"

extern uint32_t mg_bench_layer_start;
extern uint32_t mg_bench_layer_ticks[];

#define MG_LAYER_BEGIN(i) ((void)(i), mg_bench_layer_start = mg_board_counter_read())
#define MG_LAYER_END(i) (mg_bench_layer_ticks[(i)] = mg_board_counter_read() - mg_bench_layer_start)

#endif /* MG_BENCH_HOOKS_H */
