"""UNIDIRECTIONAL_SEQUENCE_LSTM: int8 (int16 cell state, int32 bias) or 16x8 (int64 bias),
batch- or time-major, any batch, cell clip, as tflite-micro's integer LSTM; the output and cell
states are variable tensors, carried from invoke to invoke in the state area. No peephole,
projection, layer norm or CIFG (tflite-micro's micro LSTM has none).

The arithmetic is unidirectional_sequence_lstm.cc / lstm_eval.h's. Per time step and batch row, each gate is FC(input) + FC(output state), both requantized to the
gates' fixed Q3.12 scale and clamped to int16, added with int16 saturation, then sigmoid (tanh
for the cell gate) from the int16 table of mcugen/ops/sigmoid16.py, giving Q0.15. Then
cell = f * cell + i * g (two int16 multiplies, saturating add, optional clip) and
hidden = tanh(cell) * o, requantized to the output state; the output row is the new hidden
state. The numbers below are PrepareGateParametersInteger's (lstm_eval_common.cc): FC
multipliers from a double product of the float32 scales (as FULLY_CONNECTED), the three
multiplies' multipliers likewise in double, the cell clip a double quotient truncated to int16,
the cell scale's log2 in float32 (CheckedLog2).

tflite-micro's micro LSTM takes only the plain Keras LSTM (all 24 inputs present except the
variants'), per-tensor symmetric weights and a TANH cell activation.
"""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op, Tensor
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, TensorRef
from mcugen.ops.common import label
from mcugen.ops.sigmoid16 import INPUT_INTEGER_BITS, SIGMOID_TABLE_U16, checked_log2

KINDS = ("UNIDIRECTIONAL_SEQUENCE_LSTM",)
INT16_KINDS = KINDS  # 16x8 models: int16 activations and output state

# TFLite's input slots (lstm_shared.h); gates in TFLite's order: input, forget, cell, output
INPUT = 0
INPUT_WEIGHTS = (1, 2, 3, 4)
RECURRENT_WEIGHTS = (5, 6, 7, 8)
BIASES = (12, 13, 14, 15)
OUTPUT_STATE, CELL_STATE = 18, 19
VARIANTS = {"peephole weights": (9, 10, 11), "a projection": (16, 17), "layer normalization": (20, 21, 22, 23)}
GATE_NAMES = ("input", "forget", "cell", "output")

GATE_INPUT_SCALE_LOG2 = -12  # FC outputs, the activations' inputs: Q3.12
GATE_OUTPUT_SCALE_LOG2 = -15  # sigmoid / tanh outputs: Q0.15
BIAS_TYPE = {"INT8": "INT32", "INT16": "INT64"}
INT32_MAX = 2**31 - 1


def check(graph: Graph, op: Op) -> str | None:
    if len(op.inputs) != 24 or len(op.outputs) != 1:
        return f"{len(op.inputs)} inputs and {len(op.outputs)} outputs (tflite-micro takes 24 and 1)"
    present = {slot: graph.tensor(t) for slot, t in enumerate(op.inputs) if t >= 0}
    for what, slots in VARIANTS.items():
        if any(s in present for s in slots):
            return f"{what} (tflite-micro's LSTM is the plain Keras LSTM without it)"
    missing = [s for s in (INPUT, *INPUT_WEIGHTS, *RECURRENT_WEIGHTS, *BIASES, OUTPUT_STATE, CELL_STATE)
               if s not in present]
    if {1, 5, 12} & set(missing):
        return "no input gate (CIFG): tflite-micro's LSTM needs all four gates"
    if missing:
        return f"input {missing[0]} is missing"
    return (_check_activations(present, graph.tensor(op.outputs[0])) or _check_weights(present)
            or _check_shapes(op, present, graph.tensor(op.outputs[0])) or _check_options(op, present))


def _check_activations(present: dict[int, Tensor], out: Tensor) -> str | None:
    inp, hidden, cell = present[INPUT], present[OUTPUT_STATE], present[CELL_STATE]
    if inp.dtype not in BIAS_TYPE:
        return f"tensor {label(inp)} is {inp.dtype} (int8 or int16 only)"
    for t in (hidden, out):
        if t.dtype != inp.dtype:
            return f"tensor {label(t)} is {t.dtype}, the input {inp.dtype} (tflite-micro needs them equal)"
    if cell.dtype != "INT16":
        return f"cell state {label(cell)} is {cell.dtype} (tflite-micro's integer LSTM keeps it int16)"
    for t in (hidden, cell):
        if not t.variable:
            return f"state {label(t)} is not a variable tensor (tflite-micro requires it)"
    for t in (inp, hidden, cell, out):
        if t.quant is None or t.quant.per_channel:
            return f"tensor {label(t)} must be per-tensor quantized"
    return None


def _check_weights(present: dict[int, Tensor]) -> str | None:
    bias_type = BIAS_TYPE[present[INPUT].dtype]
    for slot in INPUT_WEIGHTS + RECURRENT_WEIGHTS:
        w = present[slot]
        if w.dtype != "INT8" or not w.is_constant or w.quant is None:
            return f"weights {label(w)} must be constant int8"
        if w.quant.per_channel:  # Prepare computes per-channel multipliers the LSTM never reads
            return f"weights {label(w)} are per-channel (tflite-micro's LSTM needs one scale per weight tensor)"
        if w.quant.zero_point != 0:
            return f"weights {label(w)} have zero point {w.quant.zero_point} (symmetric weights only)"
    for slot in BIASES:
        b = present[slot]
        if b.dtype != bias_type or not b.is_constant:
            # Eval reads the bias as int32 (int8 model) or int64 (16x8) whatever its type
            return f"bias {label(b)} must be constant {bias_type.lower()} for {present[INPUT].dtype.lower()} activations"
    return None


def sizes(graph: Graph, op: Op) -> tuple[int, int, int, int]:
    """(batches, time steps, input size, state size) as CreateLstmSizeInfo reads them."""
    inp = graph.tensor(op.inputs[INPUT])
    steps, batches = inp.shape[:2] if op.options.get("time_major") else inp.shape[1::-1]
    return batches, steps, inp.shape[2], graph.tensor(op.inputs[OUTPUT_STATE]).shape[1]


def _check_shapes(op: Op, present: dict[int, Tensor], out: Tensor) -> str | None:
    inp, hidden, cell = present[INPUT], present[OUTPUT_STATE], present[CELL_STATE]
    if len(inp.shape) != 3 or len(out.shape) != 3:
        return "input and output must be 3-D (batch and time, in either order, then features)"
    if len(hidden.shape) != 2:  # tflite-micro reads the state size from its dimension 1
        return f"output state {label(hidden)} must be 2-D [batch, units]"
    time_major = bool(op.options.get("time_major"))
    batches = inp.shape[1] if time_major else inp.shape[0]
    n_input, n_state = inp.shape[2], hidden.shape[1]
    for slots, cols in ((INPUT_WEIGHTS, n_input), (RECURRENT_WEIGHTS, n_state)):
        for slot in slots:
            if present[slot].shape != (n_state, cols):
                return f"weights {label(present[slot])} are {list(present[slot].shape)}, not [{n_state}, {cols}]"
    for slot in BIASES:
        if present[slot].shape != (n_state,):
            return f"bias {label(present[slot])} is {list(present[slot].shape)}, not [{n_state}]"
    for t in (hidden, cell):
        if t.num_elements != batches * n_state:
            return f"state {label(t)} has {t.num_elements} elements, not batch x units = {batches * n_state}"
    if out.shape != (*inp.shape[:2], n_state):
        return f"output is {list(out.shape)}, not {[*inp.shape[:2], n_state]}"
    return None


def _check_options(op: Op, present: dict[int, Tensor]) -> str | None:
    activation = quant.fused_activation(op)
    if activation != "TANH":  # tflite-micro asserts; a release build skips the activation
        return f"cell activation {activation} (tflite-micro's LSTM computes TANH only)"
    multiplier, _ = cell_tanh_rescale(present[CELL_STATE].quant.scale)
    if multiplier * 32768 > INT32_MAX:
        return (f"cell state scale {present[CELL_STATE].quant.scale:g} overflows tflite-micro's int16 tanh "
                "input rescale")
    if present[INPUT].dtype == "INT8":
        return _check_accumulators(present)
    return None


def _check_accumulators(present: dict[int, Tensor]) -> str | None:
    """The int8 kernel folds the input zero point into an int32 bias; refuse sizes where that sum
    or the int8 dot products could leave int32 (no real LSTM is near: 2^17 inputs)."""
    for slots, zp_slot in ((INPUT_WEIGHTS, INPUT), (RECURRENT_WEIGHTS, OUTPUT_STATE)):
        for slot in slots:
            cols = present[slot].shape[1]
            folded = _folded_bias(present, slot, zp_slot)
            if int(np.abs(folded).max()) + 128 * 128 * cols > INT32_MAX:
                return f"weights {label(present[slot])}: an int32 accumulator could overflow"
    return None


def _folded_bias(present: dict[int, Tensor], weight_slot: int, zp_slot: int) -> np.ndarray:
    """bias + offset * row sums of the weights: the activation's zero point taken out of the dot
    product, as TFLM's FC adds (-zero point) to every activation (int64, exact)."""
    w = present[weight_slot].array().astype(np.int64)
    offset = -present[zp_slot].quant.zero_point
    folded = offset * w.sum(axis=1)
    if zp_slot == INPUT:  # the gate's bias joins the input FC; the recurrent FC has none
        folded += present[BIASES[INPUT_WEIGHTS.index(weight_slot)]].array().astype(np.int64)
    return folded


def cell_tanh_rescale(cell_scale: float) -> tuple[int, int]:
    """(multiplier, right shift) bringing the cell state into the tanh table's input: the cell
    scale's rounded log2 as CheckedLog2 gives it (a scale that is not a power of two is rounded,
    as tflite-micro does), then the power-of-two rescale of its int16 Tanh (3 << shift, or 3 and
    a rounding right shift)."""
    power, _ = checked_log2(cell_scale)
    return gate_rescale(15 + power - INPUT_INTEGER_BITS)


def gate_rescale(left_shift: int) -> tuple[int, int]:
    """tflite-micro's int16 Logistic/Tanh with input_multiplier 0: 3 << left shift; a negative
    left shift becomes multiplier 3 and a right shift."""
    return (3, -left_shift) if left_shift < 0 else (3 << left_shift, 0)


def mul_multiplier(scale_a: float, scale_b: float, scale_out: float) -> tuple[int, int]:
    """CreateInterGateMulParams: the product of the float32 scales in double."""
    return quant.quantize_multiplier(quant.f32(scale_a) * quant.f32(scale_b) / quant.f32(scale_out))


def lower(graph: Graph, op: Op) -> KernelCall:
    present = {slot: graph.tensor(t) for slot, t in enumerate(op.inputs) if t >= 0}
    inp, hidden, cell = present[INPUT], present[OUTPUT_STATE], present[CELL_STATE]
    out = graph.tensor(op.outputs[0])
    s16 = inp.dtype == "INT16"
    batches, steps, n_input, n_state = sizes(graph, op)
    gate_in_scale, gate_out_scale = 2.0**GATE_INPUT_SCALE_LOG2, 2.0**GATE_OUTPUT_SCALE_LOG2
    requant, input_bias, recurrent_bias = [], [], []
    for in_slot, rec_slot in zip(INPUT_WEIGHTS, RECURRENT_WEIGHTS):
        requant += [*quant.fc_per_tensor_multiplier(inp.quant.scale, present[in_slot].quant.scale, gate_in_scale),
                    *quant.fc_per_tensor_multiplier(hidden.quant.scale, present[rec_slot].quant.scale,
                                                    gate_in_scale)]
        input_bias += _folded_bias(present, in_slot, INPUT).tolist()
        recurrent_bias += _folded_bias(present, rec_slot, OUTPUT_STATE).tolist()
    cell_scale = cell.quant.scale
    clip = float(op.options.get("cell_clip", 0.0))
    # int16 of the double quotient clamped to int16 (truncated); no clipping unless clip > 0
    cell_clip = int(min(max(clip / quant.f32(cell_scale), -32768.0), 32767.0)) if clip > 0 else -1
    act_min, act_max = (quant.INT16_MIN, quant.INT16_MAX) if s16 else (quant.INT8_MIN, quant.INT8_MAX)
    gate_mult, gate_shift = gate_rescale(15 + GATE_INPUT_SCALE_LOG2 - INPUT_INTEGER_BITS)
    cell_mult, cell_shift = cell_tanh_rescale(cell_scale)
    forget_mult, forget_shift = mul_multiplier(gate_out_scale, cell_scale, cell_scale)
    update_mult, update_shift = mul_multiplier(gate_out_scale, gate_out_scale, cell_scale)
    hidden_mult, hidden_shift = mul_multiplier(gate_out_scale, gate_out_scale, hidden.quant.scale)
    weights = tuple((f"input_to_{g}_weights", TensorRef(present[s].id)) for g, s in zip(GATE_NAMES, INPUT_WEIGHTS))
    weights += tuple((f"recurrent_to_{g}_weights", TensorRef(present[s].id))
                     for g, s in zip(GATE_NAMES, RECURRENT_WEIGHTS))
    bias_ctype = "int64_t" if s16 else "int32_t"
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="unidirectional_sequence_lstm", type_suffix="s16" if s16 else "s8",
        params=(
            ("batches", batches), ("time_steps", steps), ("input_size", n_input), ("state_size", n_state),
            ("time_major", int(bool(op.options.get("time_major")))),
            *weights,
            ("input_bias", ConstRef("input_bias")), ("recurrent_bias", ConstRef("recurrent_bias")),
            ("gate_requant", ConstRef("gate_requant")),
            ("gate_rescale_multiplier", gate_mult), ("gate_rescale_shift", gate_shift),
            ("cell_tanh_multiplier", cell_mult), ("cell_tanh_shift", cell_shift),
            ("forget_multiplier", forget_mult), ("forget_shift", forget_shift),
            ("update_multiplier", update_mult), ("update_shift", update_shift),
            ("cell_clip", cell_clip),
            ("hidden_multiplier", hidden_mult), ("hidden_shift", hidden_shift),
            ("hidden_zero_point", hidden.quant.zero_point), ("hidden_min", act_min), ("hidden_max", act_max),
            ("sigmoid_table", ConstRef("sigmoid_table")),
        ),
        inputs=(inp.id,), state=(hidden.id, cell.id), outputs=(out.id,),
        consts=(ConstArray("input_bias", bias_ctype, tuple(input_bias)),
                ConstArray("recurrent_bias", bias_ctype, tuple(recurrent_bias)),
                ConstArray("gate_requant", "int32_t", tuple(int(v) for v in requant)),
                ConstArray("sigmoid_table", "uint16_t", SIGMOID_TABLE_U16)),
    )
