"""GATHER, int8 values with int32 positions (TFLM gather.cc): axis and batch_dims as TFLM's
Prepare checks them; the values may be a constant table (an embedding looked up by int32 token
inputs) or an activation. The positions are checked at run time, as TFLM does: one out of range
fails the invoke."""
from __future__ import annotations

import math

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall
from mcugen.ops.common import label

KINDS = ("GATHER",)


def input_range(graph: Graph, op: Op, tid: int) -> tuple[int, int] | None:
    """[low, high) of the values tensor `tid` may hold here: the positions index the gathered
    axis (TFLM fails the invoke on any other value)."""
    if len(op.inputs) != 2 or op.inputs[1] != tid:
        return None
    geometry = _geometry(graph, op)
    return None if isinstance(geometry, str) else (0, graph.tensor(op.inputs[0]).shape[geometry[0]])


def _geometry(graph: Graph, op: Op) -> tuple[int, int] | str:
    values, coords = graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1])
    rank, coords_rank = len(values.shape), len(coords.shape)
    axis = int(op.options.get("axis", 0))
    axis = axis + rank if axis < 0 else axis
    if not 0 <= axis < rank:
        return f"axis {op.options.get('axis')} outside the values' {rank} dims"
    batch_dims = int(op.options.get("batch_dims", 0))
    batch_dims = batch_dims + coords_rank if batch_dims < 0 else batch_dims
    if not (batch_dims <= axis and 0 <= batch_dims < rank and batch_dims <= coords_rank):
        return f"batch_dims {op.options.get('batch_dims')} (TFLM needs 0 <= batch_dims <= axis, < rank)"
    if tuple(values.shape[:batch_dims]) != tuple(coords.shape[:batch_dims]):
        return "values and positions differ in the batch dims"
    return axis, batch_dims


def check(graph: Graph, op: Op) -> str | None:
    if len(op.inputs) != 2 or len(op.outputs) != 1 or min(op.inputs) < 0:
        return "needs values, positions and one output"
    values, coords, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    for t in (values, out):
        if t.dtype != "INT8":
            return f"tensor {label(t)} is {t.dtype} (int8 values only)"
    if coords.dtype != "INT32":
        return f"positions {label(coords)} are {coords.dtype} (TFLM: int32 only)"
    found = _geometry(graph, op)
    if isinstance(found, str):
        return found
    axis, batch_dims = found
    want = (*values.shape[:axis], *coords.shape[batch_dims:], *values.shape[axis + 1:])
    if want != tuple(out.shape):
        return f"output shape {list(out.shape)}, expected {list(want)}"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    values, coords = graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1])
    axis, batch_dims = _geometry(graph, op)
    shape = values.shape
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="gather",
        params=(("batch_size", math.prod(shape[:batch_dims])),
                ("outer_size", math.prod(shape[batch_dims:axis])), ("axis_size", shape[axis]),
                ("coord_size", math.prod(coords.shape[batch_dims:])),
                ("inner_size", math.prod(shape[axis + 1:]))),
        inputs=(values.id, coords.id), outputs=(op.outputs[0],),
    )
