"""BROADCAST_TO, int8 (TFLM broadcast_to.cc): up to 5 output dims; the input, right-aligned, is
read with stride 0 along every dim it broadcasts (the strided_copy kernel)."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall
from mcugen.ops.shapes import broadcast_iteration
from mcugen.ops.strided import Part, check_data_io, strided_call

KINDS = ("BROADCAST_TO",)
MAX_RANK = 5  # TFLM's kMaxDims


def check(graph: Graph, op: Op) -> str | None:
    problem = check_data_io(graph, op, (2,))
    if problem:
        return problem
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    if len(out.shape) > MAX_RANK or len(inp.shape) > len(out.shape):
        return f"input rank {len(inp.shape)}, output rank {len(out.shape)} (at most {MAX_RANK})"
    pad = (1,) * (len(out.shape) - len(inp.shape)) + tuple(inp.shape)
    if any(i not in (1, o) for i, o in zip(pad, out.shape)):
        return f"{list(inp.shape)} does not broadcast to {list(out.shape)}"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    dims, strides, _ = broadcast_iteration(inp.shape, out.shape, out.shape)
    return strided_call(graph, op, inp.id, [Part(dims, strides)])
