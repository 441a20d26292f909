/* LEAKY_RELU, int16 activations (16x8 models): TFLM's QuantizeLeakyRelu, non-negative inputs
 * requantized by input/output scale, negative ones by alpha * input/output scale (|alpha|, then
 * negated for a negative alpha), clamped to int16. `out` may be the same buffer as `in`. */
#ifndef MG_LEAKY_RELU_S16_H
#define MG_LEAKY_RELU_S16_H

#include "mg_types.h"

typedef struct {
    int32_t size;                              /* elements */
    int32_t input_zero_point, output_zero_point;
    int32_t identity_multiplier, identity_shift;
    int32_t alpha_multiplier, alpha_shift;     /* of |alpha| */
    int32_t alpha_negative;                    /* 1: negate the alpha branch */
} mg_leaky_relu_s16_params;

mg_status mg_leaky_relu_s16(const mg_leaky_relu_s16_params *p, const int16_t *in, int16_t *out);

#endif /* MG_LEAKY_RELU_S16_H */
