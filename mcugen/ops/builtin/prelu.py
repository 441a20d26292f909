"""PRELU, int8, the alpha tensor broadcast against the input, TFLM's arithmetic (prelu_common.cc,
BroadcastPrelu4DSlow): two multipliers in double, input/output scale for non-negative inputs and
input * alpha / output scale for the product of the offset input and offset alpha; 4-D at most."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import binary_call, check_broadcast_io
from mcugen.ops.quant import f32, quantize_multiplier

KINDS = ("PRELU",)
MAX_RANK = 4  # TFLM's BroadcastPrelu4DSlow


def check(graph: Graph, op: Op) -> str | None:
    problem = check_broadcast_io(graph, op)
    if problem:
        return problem
    a, b, out = (graph.tensor(t).shape for t in (*op.inputs, op.outputs[0]))
    if max(len(a), len(b), len(out)) > MAX_RANK:
        return f"rank {len(out)} (TFLM's PRELU handles at most {MAX_RANK})"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, alpha, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    m1, s1 = quantize_multiplier(f32(inp.quant.scale) / f32(out.quant.scale))
    m2, s2 = quantize_multiplier(f32(inp.quant.scale) * f32(alpha.quant.scale) / f32(out.quant.scale))
    return binary_call(graph, op, "prelu", (("multiplier_1", m1), ("shift_1", s1),
                                            ("multiplier_2", m2), ("shift_2", s2)))
