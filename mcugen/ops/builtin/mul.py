"""MUL, int8 with TFLite broadcasting, TFLM's reference arithmetic (mul_common.cc): offset
inputs multiplied in int32, one requantization by scale1 * scale2 / output scale (in double)."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import binary_call, check_binary

KINDS = ("MUL",)


def check(graph: Graph, op: Op) -> str | None:
    return check_binary(graph, op)


def lower(graph: Graph, op: Op) -> KernelCall:
    t1, t2, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    real = quant.f32(t1.quant.scale) * quant.f32(t2.quant.scale) / quant.f32(out.quant.scale)
    multiplier, shift = quant.quantize_multiplier(real)
    return binary_call(graph, op, "mul", (("output_multiplier", multiplier), ("output_shift", shift)))
