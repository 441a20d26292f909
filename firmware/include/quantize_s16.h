/* QUANTIZE between integer types with an int16 output (mg_requantize.h: TFLM's Requantize). */
#ifndef MG_QUANTIZE_S16_H
#define MG_QUANTIZE_S16_H

#include "mg_requantize.h" /* mg_quantize_s16_params, mg_quantize_s16 */

#endif /* MG_QUANTIZE_S16_H */
