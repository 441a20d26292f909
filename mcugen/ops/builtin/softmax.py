"""SOFTMAX: int8 -> int8 (scale 1/256, zero point -128) over the last dimension, with TFLM's
gemmlowp arithmetic. exp() of each of the 256 possible differences to the row maximum is
computed here, bit-exactly, into a table; the kernel sums, takes the fixed-point reciprocal and
scales. int16 -> int16 (16x8 models: zero points 0, output scale 1/32768) follows TFLM's
SoftmaxInt16 with its exp() and 1 / (1 + x) tables of 513 entries (mcugen/ops/softmax16.py)."""
from __future__ import annotations

import math

from mcugen.ir import Graph, Op
from mcugen.ops import fixedpoint, quant, softmax16
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import check_int8_io

KINDS = ("SOFTMAX",)
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)
SCALED_DIFF_INTEGER_BITS = 5


def _int16_input(graph: Graph, op: Op) -> bool:
    return bool(op.inputs) and op.inputs[0] >= 0 and graph.tensor(op.inputs[0]).dtype == "INT16"


def check(graph: Graph, op: Op) -> str | None:
    if _int16_input(graph, op):  # 16x8 models: mcugen/ops/softmax16.py
        return softmax16.check(graph, op)
    problem = check_int8_io(graph, op)
    if problem:
        return problem
    out = graph.tensor(op.outputs[0])
    if out.quant.zero_point != -128 or quant.f32(out.quant.scale) != 1.0 / 256:
        return "int8 output must have scale 1/256 and zero point -128 (as TFLM requires)"
    if graph.tensor(op.inputs[0]).shape != out.shape:
        return "input and output shapes differ"
    beta = float(op.options.get("beta", 1.0))
    if beta * quant.f32(graph.tensor(op.inputs[0]).quant.scale) * (1 << (31 - SCALED_DIFF_INTEGER_BITS)) <= 1.0:
        # PreprocessSoftmaxScaling's QuantizeMultiplierGreaterThanOne: TFLM aborts on it
        return "input scale times beta below 2^-26 (TFLM rejects it too)"
    return None


def input_scaling(beta: float, input_scale: float) -> tuple[int, int, int]:
    """TFLM PreprocessSoftmaxScaling + CalculateInputRadius: (multiplier, left_shift, diff_min)."""
    real = min(beta * input_scale * (1 << (31 - SCALED_DIFF_INTEGER_BITS)), (1 << 31) - 1.0)
    multiplier, left_shift = quant.quantize_multiplier(real)
    radius = math.floor(1.0 * ((1 << SCALED_DIFF_INTEGER_BITS) - 1)
                        * (1 << (31 - SCALED_DIFF_INTEGER_BITS)) / (1 << left_shift))
    return multiplier, left_shift, -radius


def exp_table(beta: float, input_scale: float) -> tuple[int, ...]:
    """exp(x - max) in Q0.31 for every difference max - x = 0..255; 0 where TFLM skips it."""
    multiplier, left_shift, diff_min = input_scaling(beta, input_scale)
    table = []
    for d in range(256):
        diff = -d
        if diff < diff_min:
            table.append(0)
            continue
        rescaled = fixedpoint.srdhm(fixedpoint.wrap32(diff * (1 << left_shift)), multiplier)
        table.append(fixedpoint.exp_on_negative_values(rescaled, SCALED_DIFF_INTEGER_BITS))
    return tuple(table)


def lower(graph: Graph, op: Op) -> KernelCall:
    if _int16_input(graph, op):
        return softmax16.lower(graph, op)
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    depth = out.shape[-1] if out.shape else 1
    beta = quant.f32(float(op.options.get("beta", 1.0)))
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="softmax",
        params=(("rows", out.num_elements // depth), ("depth", depth), ("exp_table", ConstRef("exp"))),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("exp", "int32_t", exp_table(beta, quant.f32(inp.quant.scale))),),
    )
