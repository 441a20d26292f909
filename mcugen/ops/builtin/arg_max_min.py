"""ARG_MAX and ARG_MIN, int8 in, int32 out, along one constant axis, as TFLM computes them
(arg_min_max.cc, reference ArgMinMax): the first index of the largest (smallest) raw int8 value
of each (outer, inner) position; the quantization plays no part. int64 indices are refused."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall
from mcugen.ops.common import label

KINDS = ("ARG_MAX", "ARG_MIN")


def _axis(graph: Graph, op: Op) -> int | None:
    axis, inp = graph.tensor(op.inputs[1]), graph.tensor(op.inputs[0])
    if not axis.is_constant or axis.dtype != "INT32" or axis.num_elements != 1:
        return None
    a = int(axis.array().reshape(-1)[0])
    a = a + len(inp.shape) if a < 0 else a
    return a if 0 <= a < len(inp.shape) else None


def check(graph: Graph, op: Op) -> str | None:
    if len(op.inputs) != 2 or len(op.outputs) != 1:
        return f"{len(op.inputs)} inputs, {len(op.outputs)} outputs"
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    if inp.dtype != "INT8" or inp.quant is None or inp.quant.per_channel:
        return f"tensor {label(inp)} is {inp.dtype} (int8 per-tensor only)"
    if out.dtype != "INT32":
        return f"output {label(out)} is {out.dtype} (int32 indices only)"
    axis = _axis(graph, op)
    if axis is None:
        return "axis must be one constant int32 value within the input's rank"
    if inp.num_elements == 0:
        return "empty input"
    if out.num_elements * inp.shape[axis] != inp.num_elements:
        return "output shape does not match the input without its axis"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    inp = graph.tensor(op.inputs[0])
    axis = _axis(graph, op)
    outer = inner = 1
    for d in inp.shape[:axis]:
        outer *= d
    for d in inp.shape[axis + 1:]:
        inner *= d
    return KernelCall(op_index=op.index, kind=op.kind, kernel="arg_max_min",
                      params=(("outer", outer), ("axis_size", inp.shape[axis]), ("inner", inner),
                              ("is_max", int(op.kind == "ARG_MAX"))),
                      inputs=(inp.id,), outputs=(op.outputs[0],))
