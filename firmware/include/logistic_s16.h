/* LOGISTIC, int16 in and out (Q0.15 output), tflite-micro's table interpolation (mg_sigmoid16.h). */
#ifndef MG_LOGISTIC_S16_H
#define MG_LOGISTIC_S16_H

#include "mg_sigmoid16.h" /* mg_logistic_s16_params, mg_logistic_s16 */

#endif /* MG_LOGISTIC_S16_H */
