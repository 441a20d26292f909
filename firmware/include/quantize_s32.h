/* QUANTIZE between integer types with an int32 output (mg_requantize.h: TFLM's Requantize). */
#ifndef MG_QUANTIZE_S32_H
#define MG_QUANTIZE_S32_H

#include "mg_requantize.h" /* mg_quantize_s32_params, mg_quantize_s32 */

#endif /* MG_QUANTIZE_S32_H */
