"""ADD and SUB: int8 (+|-) int8 -> int8 with TFLite broadcasting and fused activation (TFLM's
add_common.cc and sub_common.cc), one lowering for both.

Both inputs are brought to twice the larger input scale with a 20-bit left shift, added or
subtracted and requantized (kernels add_s8 and sub_s8, one params struct: mg_add_sub.h). The ops
differ in the type TFLM computes the three multipliers' ratios in: double for ADD, float32 for
SUB (CalculateOpDataSub); a float32 ratio differs in the last bits of most multipliers.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import binary_call, check_binary

KINDS = ("ADD", "SUB")
LEFT_SHIFT = 20  # TFLM's headroom for int8 ADD and SUB
REAL: dict[str, Callable[[float], float]] = {"ADD": float, "SUB": np.float32}


def rescale_multipliers(scale1: float, scale2: float, output_scale: float,
                        real: Callable[[float], float]) -> dict[str, int]:
    """The three multipliers, ratios computed in `real`: each input scale over twice the larger
    one, and that over 2^20 times the output scale."""
    s1, s2, so = (real(quant.f32(s)) for s in (scale1, scale2, output_scale))
    twice_max = real(2 * max(s1, s2))
    ratios = (s1 / twice_max, s2 / twice_max, twice_max / real((1 << LEFT_SHIFT) * so))
    (m1, sh1), (m2, sh2), (mo, sho) = (quant.quantize_multiplier(float(real(r))) for r in ratios)
    return {"input1_multiplier": m1, "input1_shift": sh1, "input2_multiplier": m2,
            "input2_shift": sh2, "output_multiplier": mo, "output_shift": sho}


def _multipliers(graph: Graph, op: Op) -> dict[str, int]:
    a, b, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    return rescale_multipliers(a.quant.scale, b.quant.scale, out.quant.scale, REAL[op.kind])


def check(graph: Graph, op: Op) -> str | None:
    problem = check_binary(graph, op)
    if problem:
        return problem
    if _multipliers(graph, op)["output_shift"] > 0:
        # TFLM's QuantizeMultiplierSmallerThanOneExp aborts on it (a degenerate output scale)
        return "output scale below the inputs' / 2^19 (TFLM rejects it too)"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    return binary_call(graph, op, op.kind.lower(), (("left_shift", LEFT_SHIFT), *_multipliers(graph, op).items()))
