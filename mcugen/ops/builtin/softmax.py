"""SOFTMAX: int8 -> int8 (scale 1/256, zero point -128) or int8 -> int16 (scale 1/65536, zero
point -32768) over the last dimension, with TFLM's gemmlowp arithmetic. exp() of each of the 256
possible differences to the row maximum is computed here, bit-exactly, into a table; the kernel
sums, takes the fixed-point reciprocal and scales to the output's width. int16 -> int16 (16x8
models: zero points 0, output scale 1/32768) follows TFLM's SoftmaxInt16 with its exp() and
1 / (1 + x) tables of 513 entries (mcugen/ops/softmax16.py)."""
from __future__ import annotations

import math

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import fixedpoint, quant, softmax16
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import check_int8_io, label

KINDS = ("SOFTMAX",)
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)
SCALED_DIFF_INTEGER_BITS = 5


def _int16_input(graph: Graph, op: Op) -> bool:
    return bool(op.inputs) and op.inputs[0] >= 0 and graph.tensor(op.inputs[0]).dtype == "INT16"


def check(graph: Graph, op: Op) -> str | None:
    if _int16_input(graph, op):  # 16x8 models: mcugen/ops/softmax16.py
        return softmax16.check(graph, op)
    if _int16_output(graph, op):
        problem = _check_int16_output(graph, op)
    else:
        problem = check_int8_io(graph, op) or _check_int8_output(graph, op)
    if problem:
        return problem
    out = graph.tensor(op.outputs[0])
    if graph.tensor(op.inputs[0]).shape != out.shape:
        return "input and output shapes differ"
    beta = float(op.options.get("beta", 1.0))
    if beta * quant.f32(graph.tensor(op.inputs[0]).quant.scale) * (1 << (31 - SCALED_DIFF_INTEGER_BITS)) <= 1.0:
        # PreprocessSoftmaxScaling's QuantizeMultiplierGreaterThanOne: TFLM aborts on it
        return "input scale times beta below 2^-26 (TFLM rejects it too)"
    return None


def _int16_output(graph: Graph, op: Op) -> bool:
    """int8 in, int16 out (TFLM's Softmax<int8_t, int16_t>)."""
    return (len(op.inputs) == 1 and len(op.outputs) == 1 and op.inputs[0] >= 0
            and graph.tensor(op.inputs[0]).dtype == "INT8" and graph.tensor(op.outputs[0]).dtype == "INT16")


def _check_int8_output(graph: Graph, op: Op) -> str | None:
    out = graph.tensor(op.outputs[0])
    if out.quant.zero_point != -128 or quant.f32(out.quant.scale) != 1.0 / 256:
        return "int8 output must have scale 1/256 and zero point -128 (as TFLM requires)"
    return None


def _check_int16_output(graph: Graph, op: Op) -> str | None:
    """TFLM's Prepare for int8 -> int16: zero point -32768 and a scale within 0.1% of 1/65536
    (TF_LITE_ENSURE_NEAR, in float)."""
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    for t in (inp, out):
        if t.quant is None or t.quant.per_channel:
            return f"tensor {label(t)} must be quantized per tensor"
    unit = np.float32(1.0) / np.float32(65536)
    if out.quant.zero_point != -32768 or abs(np.float32(out.quant.scale) - unit) > np.float32(0.001) * unit:
        return "int16 output must have scale 1/65536 and zero point -32768 (as TFLM requires)"
    return None


def input_scaling(beta: float, input_scale: float) -> tuple[int, int, int]:
    """TFLM PreprocessSoftmaxScaling + CalculateInputRadius: (multiplier, left_shift, diff_min)."""
    real = min(beta * input_scale * (1 << (31 - SCALED_DIFF_INTEGER_BITS)), (1 << 31) - 1.0)
    multiplier, left_shift = quant.quantize_multiplier(real)
    radius = math.floor(1.0 * ((1 << SCALED_DIFF_INTEGER_BITS) - 1)
                        * (1 << (31 - SCALED_DIFF_INTEGER_BITS)) / (1 << left_shift))
    return multiplier, left_shift, -radius


def exp_table(beta: float, input_scale: float) -> tuple[int, ...]:
    """exp(x - max) in Q0.31 for the differences max - x = 0, 1, ... up to the last one whose
    value is not 0 (TFLM skips the ones below diff_min, and the fixed-point exp() reaches 0 long
    before 255 at usual input scales); the kernel reads 0 past the table's end."""
    multiplier, left_shift, diff_min = input_scaling(beta, input_scale)
    table = []
    for d in range(256):
        diff = -d
        if diff < diff_min:
            table.append(0)
            continue
        rescaled = fixedpoint.srdhm(fixedpoint.wrap32(diff * (1 << left_shift)), multiplier)
        table.append(fixedpoint.exp_on_negative_values(rescaled, SCALED_DIFF_INTEGER_BITS))
    while table[-1] == 0:  # table[0] is exp(0) > 0: the loop stops there at the latest
        table.pop()
    return tuple(table)


def lower(graph: Graph, op: Op) -> KernelCall:
    if _int16_input(graph, op):
        return softmax16.lower(graph, op)
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    depth = out.shape[-1] if out.shape else 1
    beta = quant.f32(float(op.options.get("beta", 1.0)))
    table = exp_table(beta, quant.f32(inp.quant.scale))
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="softmax",
        params=(("rows", out.num_elements // depth), ("depth", depth),
                ("int16_output", int(out.dtype == "INT16")), ("exp_len", len(table)),
                ("exp_table", ConstRef("exp"))),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("exp", "int32_t", table),),
    )
