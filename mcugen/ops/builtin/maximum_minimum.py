"""MAXIMUM and MINIMUM, int8 with TFLite broadcasting, as TFLM computes them
(maximum_minimum.cc, MaximumMinimumBroadcastSlow): the larger (smaller) raw int8 value, the
quantization ignored; same-shape inputs run flat in any rank, broadcasts in at most 5-D."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import binary_call, check_broadcast_io
from mcugen.ops.shapes import MAX_DIMS

KINDS = ("MAXIMUM", "MINIMUM")
MAX_RANK = 5  # TFLM's NdArrayDesc<5>


def check(graph: Graph, op: Op) -> str | None:
    problem = check_broadcast_io(graph, op)
    if problem:
        return problem
    a, b, out = (graph.tensor(t).shape for t in (*op.inputs, op.outputs[0]))
    if tuple(a) != tuple(b) and len(out) > MAX_RANK:
        return f"broadcasting in {len(out)}-D (TFLM's {op.kind} handles at most {MAX_RANK})"
    if len(out) > MAX_DIMS:
        return f"rank {len(out)} (at most {MAX_DIMS})"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    return binary_call(graph, op, "maximum_minimum", (("is_max", int(op.kind == "MAXIMUM")),))
