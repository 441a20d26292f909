"""SUB, int8 with TFLite broadcasting, TFLM's reference arithmetic (sub_common.cc).

Both inputs are brought to twice the larger input scale with a 20-bit left shift, subtracted,
and requantized; the three multipliers come from float32 ratios, as in CalculateOpDataSub.
"""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import binary_call, check_binary

KINDS = ("SUB",)
LEFT_SHIFT = 20


def sub_multipliers(scale1: float, scale2: float, output_scale: float) -> dict[str, int]:
    s1, s2, so = np.float32(scale1), np.float32(scale2), np.float32(output_scale)
    twice_max = np.float32(2 * max(s1, s2))
    m1, sh1 = quant.quantize_multiplier(quant.f32(s1 / twice_max))
    m2, sh2 = quant.quantize_multiplier(quant.f32(s2 / twice_max))
    mo, sho = quant.quantize_multiplier(quant.f32(twice_max / np.float32((1 << LEFT_SHIFT) * so)))
    return {"input1_multiplier": m1, "input1_shift": sh1, "input2_multiplier": m2,
            "input2_shift": sh2, "output_multiplier": mo, "output_shift": sho}


def check(graph: Graph, op: Op) -> str | None:
    problem = check_binary(graph, op)
    if problem:
        return problem
    t1, t2, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    if sub_multipliers(t1.quant.scale, t2.quant.scale, out.quant.scale)["output_shift"] > 0:
        # TFLM's QuantizeMultiplierSmallerThanOneExp aborts on it (a degenerate output scale)
        return "output scale below the inputs' / 2^19 (TFLM rejects it too)"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    t1, t2, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    m = sub_multipliers(t1.quant.scale, t2.quant.scale, out.quant.scale)
    return binary_call(graph, op, "sub", (("left_shift", LEFT_SHIFT), *m.items()))
