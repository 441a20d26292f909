/* UNIDIRECTIONAL_SEQUENCE_LSTM, tflite-micro's integer arithmetic, shared by the int8 kernel and
 * the 16x8 one (int16 activations): one params struct, the gate activation, the cell update and
 * the hidden-state update per unit. Everything is computed by mcugen/ops/builtin/
 * unidirectional_sequence_lstm.py; the kernels only differ in their dot products' types. */
#ifndef MG_LSTM_H
#define MG_LSTM_H

#include "mg_requantize64.h"
#include "mg_sigmoid16.h"
#include "mg_types.h"

/* gates, in TFLite's order (the order of input_bias, recurrent_bias and gate_requant) */
enum { MG_LSTM_INPUT_GATE = 0, MG_LSTM_FORGET_GATE = 1, MG_LSTM_CELL_GATE = 2, MG_LSTM_OUTPUT_GATE = 3 };

typedef struct {
    int32_t batches, time_steps, input_size, state_size;
    int32_t time_major;                     /* input [time][batch][features], else [batch][time][...] */
    const int8_t *input_to_input_weights;   /* [state_size][input_size] */
    const int8_t *input_to_forget_weights;
    const int8_t *input_to_cell_weights;
    const int8_t *input_to_output_weights;
    const int8_t *recurrent_to_input_weights; /* [state_size][state_size] */
    const int8_t *recurrent_to_forget_weights;
    const int8_t *recurrent_to_cell_weights;
    const int8_t *recurrent_to_output_weights;
    /* [4 gates][state_size], int32 (int8 kernel) or int64 (16x8): the gate's bias plus the input
     * offset times the weights' row sums; the recurrent ones the output state's offset's share */
    const void *input_bias;
    const void *recurrent_bias;
    const int32_t *gate_requant;            /* [4 gates][input FC multiplier, shift, recurrent ...] */
    int32_t gate_rescale_multiplier;        /* Q3.12 gate sum -> sigmoid/tanh table input */
    int32_t gate_rescale_shift;
    int32_t cell_tanh_multiplier;           /* cell state -> tanh table input */
    int32_t cell_tanh_shift;
    int32_t forget_multiplier, forget_shift; /* forget gate x cell -> cell */
    int32_t update_multiplier, update_shift; /* input gate x cell gate -> cell */
    int32_t cell_clip;                      /* |cell| <= cell_clip, none when negative */
    int32_t hidden_multiplier, hidden_shift; /* tanh(cell) x output gate -> output state */
    int32_t hidden_zero_point, hidden_min, hidden_max;
    const uint16_t *sigmoid_table;          /* [256], mcugen/ops/sigmoid16.py */
} mg_lstm_params;

/* Row `unit` of the four gates' input weights (TFLite's gate order). */
static inline void mg_lstm_input_rows(const mg_lstm_params *p, int32_t unit, const int8_t *rows[4])
{
    const int32_t at = unit * p->input_size;
    rows[MG_LSTM_INPUT_GATE] = p->input_to_input_weights + at;
    rows[MG_LSTM_FORGET_GATE] = p->input_to_forget_weights + at;
    rows[MG_LSTM_CELL_GATE] = p->input_to_cell_weights + at;
    rows[MG_LSTM_OUTPUT_GATE] = p->input_to_output_weights + at;
}

/* Row `unit` of the four gates' recurrent weights. */
static inline void mg_lstm_recurrent_rows(const mg_lstm_params *p, int32_t unit, const int8_t *rows[4])
{
    const int32_t at = unit * p->state_size;
    rows[MG_LSTM_INPUT_GATE] = p->recurrent_to_input_weights + at;
    rows[MG_LSTM_FORGET_GATE] = p->recurrent_to_forget_weights + at;
    rows[MG_LSTM_CELL_GATE] = p->recurrent_to_cell_weights + at;
    rows[MG_LSTM_OUTPUT_GATE] = p->recurrent_to_output_weights + at;
}

static inline int mg_lstm_ok(const mg_lstm_params *p, const void *in, const void *hidden, const int16_t *cell,
                             const void *out)
{
    return p != NULL && in != NULL && hidden != NULL && cell != NULL && out != NULL && p->batches > 0
           && p->time_steps >= 0 && p->input_size > 0 && p->state_size > 0 && p->sigmoid_table != NULL
           && p->gate_rescale_shift >= 0 && p->cell_tanh_shift >= 0;
}

/* Element offset of (batch, step) in the input or output, whose rows are `width` long. */
static inline int32_t mg_lstm_row(const mg_lstm_params *p, int32_t batch, int32_t step, int32_t width)
{
    return (p->time_major ? step * p->batches + batch : batch * p->time_steps + step) * width;
}

static inline int32_t mg_lstm_sat16(int32_t x) { return mg_clamp_i32(x, INT16_MIN, INT16_MAX); }

/* The four gates' outputs in Q0.15 from their FC outputs (each requantized to Q3.12 and
 * clamped to int16, as TFLM's int16 gate buffers): the saturated sums through sigmoid, tanh for
 * the cell gate. */
static inline void mg_lstm_activate(const mg_lstm_params *p, const int32_t from_input[4],
                                    const int32_t from_state[4], int32_t out[4])
{
    int gate;
    for (gate = 0; gate < 4; ++gate) {
        const int32_t x = mg_sigmoid16_rescale((int16_t)mg_lstm_sat16(from_input[gate] + from_state[gate]),
                                               p->gate_rescale_multiplier, p->gate_rescale_shift);
        out[gate] = gate == MG_LSTM_CELL_GATE ? mg_sigmoid16_tanh(p->sigmoid_table, x)
                                              : mg_sigmoid16_logistic(p->sigmoid_table, x);
    }
}

/* cell = forget * cell + input * cell_gate, each product int16, the sum saturated, then clipped. */
static inline int16_t mg_lstm_update_cell(const mg_lstm_params *p, int32_t cell, int32_t forget, int32_t input,
                                          int32_t cell_gate)
{
    const int32_t kept = mg_lstm_sat16(mg_requantize(forget * cell, p->forget_multiplier, p->forget_shift));
    const int32_t added = mg_lstm_sat16(mg_requantize(input * cell_gate, p->update_multiplier, p->update_shift));
    int32_t updated = mg_lstm_sat16(kept + added);
    if (p->cell_clip >= 0) {
        updated = mg_clamp_i32(updated, -p->cell_clip, p->cell_clip);
    }
    return (int16_t)updated;
}

/* The new output state of one unit: tanh(cell) x output gate, requantized and clamped. */
static inline int32_t mg_lstm_hidden(const mg_lstm_params *p, int16_t cell, int32_t output_gate)
{
    const int32_t squashed = mg_sigmoid16_tanh(
        p->sigmoid_table, mg_sigmoid16_rescale(cell, p->cell_tanh_multiplier, p->cell_tanh_shift));
    return mg_clamp_i32(p->hidden_zero_point + mg_requantize(squashed * output_gate, p->hidden_multiplier,
                                                             p->hidden_shift),
                        p->hidden_min, p->hidden_max);
}

#endif /* MG_LSTM_H */
