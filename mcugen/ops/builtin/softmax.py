"""SOFTMAX: int8 -> int8 (scale 1/256, zero point -128) over the last dimension, with TFLM's
gemmlowp arithmetic. exp() of each of the 256 possible differences to the row maximum is
computed here, bit-exactly, into a table; the kernel sums, takes the fixed-point reciprocal and
scales."""
from __future__ import annotations

import math

from mcugen.ir import Graph, Op
from mcugen.ops import fixedpoint, quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import check_int8_io

KINDS = ("SOFTMAX",)
SCALED_DIFF_INTEGER_BITS = 5


def check(graph: Graph, op: Op) -> str | None:
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
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    depth = out.shape[-1] if out.shape else 1
    beta = quant.f32(float(op.options.get("beta", 1.0)))
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="softmax",
        params=(("rows", out.num_elements // depth), ("depth", depth), ("exp_table", ConstRef("exp"))),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("exp", "int32_t", exp_table(beta, quant.f32(inp.quant.scale))),),
    )
