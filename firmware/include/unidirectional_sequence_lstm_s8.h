/* UNIDIRECTIONAL_SEQUENCE_LSTM, int8 activations and output state, int16 cell state, int8
 * weights, int32 biases: tflite-micro's integer LSTM (params and helpers in mg_lstm.h). */
#ifndef MG_UNIDIRECTIONAL_SEQUENCE_LSTM_S8_H
#define MG_UNIDIRECTIONAL_SEQUENCE_LSTM_S8_H

#include "mg_lstm.h"

typedef mg_lstm_params mg_unidirectional_sequence_lstm_params;

/* Runs every time step of `in` from the state left by the previous call, updating `hidden_state`
 * ([batches][state_size]) and `cell_state` in place; `out` holds the output state after each
 * step. `out` must not overlap `in`. */
mg_status mg_unidirectional_sequence_lstm_s8(const mg_unidirectional_sequence_lstm_params *p, const int8_t *in,
                                             int8_t *hidden_state, int16_t *cell_state, int8_t *out);

#endif /* MG_UNIDIRECTIONAL_SEQUENCE_LSTM_S8_H */
