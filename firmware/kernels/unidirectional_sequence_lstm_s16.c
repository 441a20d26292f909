#include "unidirectional_sequence_lstm_s16.h"

/* One FC output of a gate: bias + w . x in int64, requantized to Q3.12 with TFLM's 64-bit
 * MultiplyByQuantizedMultiplier and clamped to int16 (the activation's zero point is in the bias). */
static int32_t fc_unit(const int8_t *w, const int16_t *x, int32_t n, int64_t bias, const int32_t *requant)
{
    int64_t acc = bias;
    int32_t k;
    for (k = 0; k < n; ++k) {
        acc += (int32_t)w[k] * x[k];
    }
    return mg_lstm_sat16(mg_requantize_s64(acc, requant[0], requant[1]));
}

/* Gate `gate` of unit `unit`: FC(input) + FC(output state) through its activation, Q0.15. */
static int32_t gate_unit(const mg_unidirectional_sequence_lstm_s16_params *p, int gate, int32_t unit,
                         const int16_t *x, const int16_t *h)
{
    const int32_t *requant = p->gate_requant + 4 * gate;
    const int32_t at = gate * p->state_size + unit;
    const int32_t from_input = fc_unit(mg_lstm_input_weights(p, gate) + unit * p->input_size, x, p->input_size,
                                       ((const int64_t *)p->input_bias)[at], requant);
    const int32_t from_state = fc_unit(mg_lstm_recurrent_weights(p, gate) + unit * p->state_size, h,
                                       p->state_size, ((const int64_t *)p->recurrent_bias)[at], requant + 2);
    return mg_lstm_activate(p, gate, from_input, from_state);
}

/* One time step of one batch row (see unidirectional_sequence_lstm_s8.c). */
static void step(const mg_unidirectional_sequence_lstm_s16_params *p, const int16_t *x, int16_t *h, int16_t *cell,
                 int16_t *out_row)
{
    int32_t unit;
    for (unit = 0; unit < p->state_size; ++unit) {
        const int32_t forget = gate_unit(p, MG_LSTM_FORGET_GATE, unit, x, h);
        const int32_t input = gate_unit(p, MG_LSTM_INPUT_GATE, unit, x, h);
        const int32_t cell_gate = gate_unit(p, MG_LSTM_CELL_GATE, unit, x, h);
        const int32_t output = gate_unit(p, MG_LSTM_OUTPUT_GATE, unit, x, h);
        cell[unit] = mg_lstm_update_cell(p, cell[unit], forget, input, cell_gate);
        out_row[unit] = (int16_t)mg_lstm_hidden(p, cell[unit], output);
    }
    for (unit = 0; unit < p->state_size; ++unit) {
        h[unit] = out_row[unit];
    }
}

mg_status mg_unidirectional_sequence_lstm_s16(const mg_unidirectional_sequence_lstm_s16_params *p,
                                              const int16_t *in, int16_t *hidden_state, int16_t *cell_state,
                                              int16_t *out)
{
    int32_t b, t;
    if (!mg_lstm_ok(p, in, hidden_state, cell_state, out)) {
        return MG_ERR_ARG;
    }
    for (b = 0; b < p->batches; ++b) { /* batch rows are independent: each its own stream of steps */
        for (t = 0; t < p->time_steps; ++t) {
            step(p, in + mg_lstm_row(p, b, t, p->input_size), hidden_state + b * p->state_size,
                 cell_state + b * p->state_size, out + mg_lstm_row(p, b, t, p->state_size));
        }
    }
    return MG_OK;
}
