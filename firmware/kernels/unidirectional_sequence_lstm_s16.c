#include "unidirectional_sequence_lstm_s16.h"

/* acc[g] += rows[g] . v for the four gates at once, in int64 (TFLM's 16x8 accumulator). */
static void dot4(const int8_t *const rows[4], const int16_t *v, int32_t n, int64_t acc[4])
{
    const int8_t *w0 = rows[0], *w1 = rows[1], *w2 = rows[2], *w3 = rows[3];
    int64_t a0 = acc[0], a1 = acc[1], a2 = acc[2], a3 = acc[3];
    int32_t k;
    for (k = 0; k < n; ++k) {
        const int32_t x = v[k];
        a0 += w0[k] * x;
        a1 += w1[k] * x;
        a2 += w2[k] * x;
        a3 += w3[k] * x;
    }
    acc[0] = a0;
    acc[1] = a1;
    acc[2] = a2;
    acc[3] = a3;
}

/* The four gates of unit `unit`, Q0.15 (see unidirectional_sequence_lstm_s8.c), the FC outputs
 * requantized with TFLM's 64-bit MultiplyByQuantizedMultiplier. */
static void gates(const mg_unidirectional_sequence_lstm_s16_params *p, int32_t unit, const int16_t *x,
                  const int16_t *h, int32_t out[4])
{
    const int64_t *input_bias = p->input_bias, *recurrent_bias = p->recurrent_bias;
    const int8_t *rows[4];
    int64_t sum_input[4], sum_state[4];
    int32_t from_input[4], from_state[4];
    int gate;
    for (gate = 0; gate < 4; ++gate) {
        sum_input[gate] = input_bias[gate * p->state_size + unit];
        sum_state[gate] = recurrent_bias[gate * p->state_size + unit];
    }
    mg_lstm_input_rows(p, unit, rows);
    dot4(rows, x, p->input_size, sum_input);
    mg_lstm_recurrent_rows(p, unit, rows);
    dot4(rows, h, p->state_size, sum_state);
    for (gate = 0; gate < 4; ++gate) {
        const int32_t *requant = p->gate_requant + 4 * gate;
        from_input[gate] = mg_lstm_sat16(mg_requantize_s64(sum_input[gate], requant[0], requant[1]));
        from_state[gate] = mg_lstm_sat16(mg_requantize_s64(sum_state[gate], requant[2], requant[3]));
    }
    mg_lstm_activate(p, from_input, from_state, out);
}

/* One time step of one batch row (see unidirectional_sequence_lstm_s8.c). */
static void step(const mg_unidirectional_sequence_lstm_s16_params *p, const int16_t *x, int16_t *h, int16_t *cell,
                 int16_t *out_row)
{
    int32_t unit, g[4];
    for (unit = 0; unit < p->state_size; ++unit) {
        gates(p, unit, x, h, g);
        cell[unit] = mg_lstm_update_cell(p, cell[unit], g[MG_LSTM_FORGET_GATE], g[MG_LSTM_INPUT_GATE],
                                         g[MG_LSTM_CELL_GATE]);
        out_row[unit] = (int16_t)mg_lstm_hidden(p, cell[unit], g[MG_LSTM_OUTPUT_GATE]);
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
