/* UNIDIRECTIONAL_SEQUENCE_LSTM on 16x8 models: int16 activations and output state, int16 cell
 * state, int8 weights, int64 biases: tflite-micro's integer LSTM (params and helpers in
 * mg_lstm.h). */
#ifndef MG_UNIDIRECTIONAL_SEQUENCE_LSTM_S16_H
#define MG_UNIDIRECTIONAL_SEQUENCE_LSTM_S16_H

#include "mg_lstm.h"

typedef mg_lstm_params mg_unidirectional_sequence_lstm_s16_params;

/* As mg_unidirectional_sequence_lstm_s8, on int16 activations. */
mg_status mg_unidirectional_sequence_lstm_s16(const mg_unidirectional_sequence_lstm_s16_params *p,
                                              const int16_t *in, int16_t *hidden_state, int16_t *cell_state,
                                              int16_t *out);

#endif /* MG_UNIDIRECTIONAL_SEQUENCE_LSTM_S16_H */
