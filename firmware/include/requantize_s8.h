/* QUANTIZE between integer types with an int8 output (mg_requantize.h: TFLM's Requantize). */
#ifndef MG_REQUANTIZE_S8_H
#define MG_REQUANTIZE_S8_H

#include "mg_requantize.h" /* mg_requantize_s8_params, mg_requantize_s8 */

#endif /* MG_REQUANTIZE_S8_H */
