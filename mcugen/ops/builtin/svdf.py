"""SVDF (int8 input, int8 output; weights_time and activation state both int8 or both int16), as
tflite-micro's EvalIntegerSvdfReference computes it.

Per invoke each filter's row of the state (its last `memory_size` feature values) shifts left by
one and takes the newest feature, the requantized dot product of the input with the filter's
feature weights: clamped to the state type's range, then the state zero point added and the sum
stored wrapping to the state type, exactly as TFLM does. Each output unit is the bias plus the
dot products of `rank` filters' state rows with their time weights, requantized to int8. TFLM's
int8 path applies no fused activation (the option is read but ignored), so neither does mcugen.

Everything not needing the input is folded here: the input offset times each filter's weight
sum, and the state zero point times each filter's time-weight sum added to the bias. The sums
wrap in int32 as TFLM's do, so the folded sums equal TFLM's bit for bit. The kernel computes
one filter at a time (feature, state row, time product) and needs no scratch, where TFLM keeps
two int32 scratch buffers (batch x filters and batch x units).
"""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, TensorRef
from mcugen.ops.common import label
from mcugen.ops.fixedpoint import wrap32

KINDS = ("SVDF",)
INT16_KINDS = ()
STATE_TYPES = ("INT8", "INT16")
# TFLM's Prepare: |bias scale - state scale * weights_time scale| must be below this
BIAS_SCALE_TOLERANCE = 1e-5
MAX_LEFT_SHIFT = 30  # TFLM shifts an int32 left by the multiplier's exponent: more overflows


def _tensors(graph: Graph, op: Op):
    """(input, weights_feature, weights_time, bias or None, state, output) of an SVDF op."""
    inp, feature, time, bias, state = (graph.tensor(t) if t >= 0 else None for t in op.inputs)
    return inp, feature, time, bias, state, graph.tensor(op.outputs[0])


def effective_scales(graph: Graph, op: Op) -> tuple[float, float]:
    """TFLM's effective_scale_1 (input -> state) and effective_scale_2 (state -> output).

    The source multiplies the float scales in float; the pinned runtime matches the product in
    double (checked on crafted models in tests/oracle_random/test_svdf.py): trust the oracle."""
    inp, feature, time, _, state, out = _tensors(graph, op)
    f = quant.f32
    return (f(inp.quant.scale) * f(feature.quant.scale) / f(state.quant.scale),
            f(state.quant.scale) * f(time.quant.scale) / f(out.quant.scale))


def check(graph: Graph, op: Op) -> str | None:
    if len(op.inputs) != 5 or len(op.outputs) != 1:
        return f"{len(op.inputs)} inputs and {len(op.outputs)} outputs (TFLM needs 5 and 1)"
    if any(t < 0 for i, t in enumerate(op.inputs) if i != 3):
        return "missing input"
    if op.inputs[3] < 0:
        return "no bias (tflite-micro's int8 SVDF reads the bias scale in Prepare and crashes without one)"
    inp, feature, time, bias, state, out = _tensors(graph, op)
    if inp.dtype == "FLOAT32":
        return "float SVDF (mcugen runs int8 SVDF only; quantize the model to int8)"
    problem = _check_types(inp, feature, time, bias, state, out) or _check_shapes(op, inp, feature, time, bias, state, out)
    if problem:
        return problem
    if not state.variable:
        return f"activation state {label(state)} is not a variable tensor (TFLM requires one)"
    if not (feature.is_constant and time.is_constant and bias.is_constant):
        return "weights and bias must be constant tensors"
    bias_scale = quant.f32(bias.quant.scale) if bias.quant else 0.0  # TFLM reads 0 then
    if abs(bias_scale - quant.f32(state.quant.scale) * quant.f32(time.quant.scale)) >= BIAS_SCALE_TOLERANCE:
        return "bias scale differs from state scale x weights_time scale (TFLM requires them equal within 1e-5)"
    for name, scale in zip(("input-to-state", "state-to-output"), effective_scales(graph, op)):
        if quant.quantize_multiplier(scale)[1] > MAX_LEFT_SHIFT:
            return f"{name} scale {scale:.3g} overflows TFLM's int32 requantization"
    return None


def _check_types(inp, feature, time, bias, state, out) -> str | None:
    if inp.dtype != "INT8" or out.dtype != "INT8":
        return f"input {inp.dtype} and output {out.dtype} (TFLM's integer SVDF takes int8 only)"
    if feature.dtype != "INT8":
        return f"weights_feature {label(feature)} is {feature.dtype} (int8 only, as TFLM)"
    if time.dtype not in STATE_TYPES or state.dtype not in STATE_TYPES:
        return f"weights_time {time.dtype} and state {state.dtype} (TFLM takes int8 or int16)"
    if time.dtype != state.dtype:
        # TFLM reads the state as weights_time's type: wrong values, or reads past an int8 state
        return f"weights_time {time.dtype} with a {state.dtype} state (tflite-micro misreads mixed widths)"
    if bias.dtype != "INT32":
        return f"bias {label(bias)} is {bias.dtype} (int32 only, as TFLM)"
    for t in (inp, feature, time, state, out):
        if t.quant is None or t.quant.per_channel:
            return f"tensor {label(t)} must be quantized per tensor"
    if bias.quant is not None and bias.quant.per_channel:
        return f"bias {label(bias)} is quantized per channel (TFLM uses one scale)"
    return None


def _check_shapes(op: Op, inp, feature, time, bias, state, out) -> str | None:
    rank = int(op.options.get("rank", 0))
    if any(len(t.shape) != 2 for t in (inp, feature, time, state, out)):
        return "input, weights, state and output must be 2-D (TFLM)"
    batches, input_size = inp.shape
    filters, memory = time.shape
    if rank < 1 or filters % rank:
        return f"rank {rank} does not divide the {filters} filters"
    if memory < 1 or input_size < 1:
        return "empty memory or input"
    units = filters // rank
    if feature.shape != (filters, input_size):
        return f"weights_feature {list(feature.shape)} (TFLM needs [{filters}, {input_size}])"
    if out.shape != (batches, units):
        return f"output {list(out.shape)} (TFLM needs [{batches}, {units}])"
    if not bias.shape or bias.shape[0] != units:
        return f"bias {list(bias.shape)} (TFLM needs {units} values)"
    if state.shape != (batches, memory * filters):
        return f"state {list(state.shape)} (TFLM needs [{batches}, {memory * filters}])"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, feature, time, bias, state, out = _tensors(graph, op)
    rank = int(op.options["rank"])
    batches, input_size = inp.shape
    filters, memory = time.shape
    input_offset, state_zero_point = -inp.quant.zero_point, state.quant.zero_point
    weights = feature.array().astype(np.int64)
    # sum over the input of w * (x + input_offset) = sum(w * x) + input_offset * sum(w)
    feature_bias = [wrap32(input_offset * int(row.sum())) for row in weights]
    # the time product subtracts the state zero point from every state value: fold it in too
    time_sums = time.array().astype(np.int64).sum(axis=1).reshape(-1, rank).sum(axis=1)
    unit_bias = [wrap32(int(b) - state_zero_point * int(s))
                 for b, s in zip(bias.array().reshape(-1)[:filters // rank], time_sums)]
    (m1, s1), (m2, s2) = (quant.quantize_multiplier(s) for s in effective_scales(graph, op))
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="svdf",
        params=(
            ("batches", batches), ("input_size", input_size), ("num_filters", filters),
            ("rank", rank), ("memory_size", memory), ("state_int16", int(state.dtype == "INT16")),
            ("state_zero_point", state_zero_point), ("output_offset", out.quant.zero_point),
            ("feature_multiplier", m1), ("feature_shift", s1),
            ("output_multiplier", m2), ("output_shift", s2),
            ("weights_feature", TensorRef(feature.id)), ("weights_time", TensorRef(time.id)),
            ("feature_bias", ConstRef("feature_bias")), ("unit_bias", ConstRef("unit_bias")),
        ),
        inputs=(inp.id,), state=(state.id,), outputs=(out.id,),
        consts=(ConstArray("feature_bias", "int32_t", tuple(feature_bias)),
                ConstArray("unit_bias", "int32_t", tuple(unit_bias))),
    )
