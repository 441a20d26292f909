/* FULLY_CONNECTED (fully_connected_s8.h) for Cortex-M cores with the DSP extension, bit-exact with
 * TFLM's reference kernel where the generator proved the lean output stage exact (symmetric
 * weights; mcugen/ops/variants_mm.py).
 *
 * Per batch row, the input is widened once into an int16 column in scratch; then one walk takes
 * four output channels at a time over a stream of their interleaved weights, 2 MACs per SMLAD,
 * requantization inlined (mg_mm_dsp.h; one walk, with the sign fix: exact for every layer the
 * generator admits). `out` must not overlap `in`. */
#ifndef MG_FULLY_CONNECTED_QUAD_DSP_S8_H
#define MG_FULLY_CONNECTED_QUAD_DSP_S8_H

#include "fully_connected_s8.h"

/* The walk over the channel quads and the one over the last output_depth % 4 channels, p being
 * the kernel's params: the generator names each only where a layer runs it (NULL otherwise), so
 * a firmware links only what it runs. */
typedef const int8_t *(*mg_fully_connected_quad_walk_fn)(const void *p, const int8_t *w, int32_t quads,
                                                         const int16_t *col, int8_t *dst);
typedef void (*mg_fully_connected_quad_tail_fn)(const void *p, const int8_t *w, const int16_t *col, int8_t *dst);
const int8_t *mg_fully_connected_quad_walk(const void *p, const int8_t *w, int32_t quads, const int16_t *col,
                                           int8_t *dst);
void mg_fully_connected_quad_tail(const void *p, const int8_t *w, const int16_t *col, int8_t *dst);

typedef struct {
    MG_FULLY_CONNECTED_DIMS
    int32_t groups;        /* 4-tap groups of the column (even; zero weights pad accum_depth) */
    int32_t k;             /* 2 * output zero point + 1 */
    mg_fully_connected_quad_walk_fn walk; /* when output_depth >= 4 */
    mg_fully_connected_quad_tail_fn tail; /* when output_depth % 4 != 0 */
    const int8_t *stream;  /* bias, weights and multipliers per channel quad (mg_mm_dsp.h) */
    const int8_t *shifts;  /* [quads][4]: right shift - 1 per channel */
    int8_t *scratch;       /* the widened input row: groups * 8 bytes */
} mg_fully_connected_quad_dsp_params;

mg_status mg_fully_connected_quad_dsp_s8(const mg_fully_connected_quad_dsp_params *p, const int8_t *in, int8_t *out);

/* Bytes p->scratch must hold: the widened row (groups * 8) (-1 when p is NULL). The twin of KernelCall.scratch_bytes (mcugen/ops). */
int32_t mg_fully_connected_quad_dsp_s8_scratch_bytes(const mg_fully_connected_quad_dsp_params *p);

#endif /* MG_FULLY_CONNECTED_QUAD_DSP_S8_H */
