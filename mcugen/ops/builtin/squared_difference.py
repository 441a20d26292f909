"""SQUARED_DIFFERENCE, int8 with TFLite broadcasting, TFLM's arithmetic (squared_difference.cc):
inputs shifted left by 7, rescaled to twice the larger input scale (QuantizeMultiplierSmallerThanOne,
double), the int32 difference squared and requantized by (2 max scale)^2 / (2^14 output scale),
where TFLM takes 2^14 * output scale in float32."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import binary_call, check_binary
from mcugen.ops.quant import f32, quantize_multiplier

KINDS = ("SQUARED_DIFFERENCE",)
LEFT_SHIFT = 7


def squared_difference_multipliers(scale1: float, scale2: float, output_scale: float
                                   ) -> tuple[tuple[str, int], ...]:
    twice_max = 2.0 * max(f32(scale1), f32(scale2))
    m1, s1 = quantize_multiplier(f32(scale1) / twice_max)
    m2, s2 = quantize_multiplier(f32(scale2) / twice_max)
    mo, so = quantize_multiplier(twice_max * twice_max / f32((1 << (2 * LEFT_SHIFT)) * f32(output_scale)))
    return (("left_shift", LEFT_SHIFT), ("input1_multiplier", m1), ("input1_shift", s1),
            ("input2_multiplier", m2), ("input2_shift", s2),
            ("output_multiplier", mo), ("output_shift", so))


def check(graph: Graph, op: Op) -> str | None:
    return check_binary(graph, op)


def lower(graph: Graph, op: Op) -> KernelCall:
    t1, t2, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    return binary_call(graph, op, "squared_difference",
                       squared_difference_multipliers(t1.quant.scale, t2.quant.scale, out.quant.scale))
