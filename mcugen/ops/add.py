"""ADD: int8 + int8 -> int8 with TFLite broadcasting and fused activation (TFLM's add_common.cc).

Both inputs are brought to twice the larger input scale with a 20-bit left shift, summed and
requantized; unlike SUB, TFLM computes ADD's multipliers in double from the float scales.
"""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import binary_call, check_binary

KINDS = ("ADD",)
LEFT_SHIFT = 20  # TFLM's headroom for int8 ADD


def add_multipliers(scale1: float, scale2: float, output_scale: float) -> dict[str, int]:
    twice_max = 2 * max(quant.f32(scale1), quant.f32(scale2))
    m1, s1 = quant.quantize_multiplier(quant.f32(scale1) / twice_max)
    m2, s2 = quant.quantize_multiplier(quant.f32(scale2) / twice_max)
    mo, so = quant.quantize_multiplier(twice_max / ((1 << LEFT_SHIFT) * quant.f32(output_scale)))
    return {"input1_multiplier": m1, "input1_shift": s1, "input2_multiplier": m2,
            "input2_shift": s2, "output_multiplier": mo, "output_shift": so}


def check(graph: Graph, op: Op) -> str | None:
    problem = check_binary(graph, op)
    if problem:
        return problem
    a, b, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    if add_multipliers(a.quant.scale, b.quant.scale, out.quant.scale)["output_shift"] > 0:
        # TFLM's QuantizeMultiplierSmallerThanOneExp aborts on it (a degenerate output scale)
        return "output scale below the inputs' / 2^19 (TFLM rejects it too)"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    a, b, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    m = add_multipliers(a.quant.scale, b.quant.scale, out.quant.scale)
    return binary_call(graph, op, "add", (("left_shift", LEFT_SHIFT), *m.items()))
