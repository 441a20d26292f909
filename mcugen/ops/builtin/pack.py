"""PACK, int8 (TFLM pack.cc): N same-shape inputs stacked along a new axis. Byte for byte that is
a CONCATENATION of the inputs along the new axis (each contributes one chunk per outer step),
so it runs the concatenation kernel (with any number of inputs, as TFLM's PACK takes); values
are copied as they are, as TFLM does."""
from __future__ import annotations

import math

from mcugen.ir import Graph, Op
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.strided import check_data_io

KINDS = ("PACK",)


def _axis(graph: Graph, op: Op) -> int:
    axis = int(op.options.get("axis", 0))
    return axis + len(graph.tensor(op.outputs[0]).shape) if axis < 0 else axis


def check(graph: Graph, op: Op) -> str | None:
    # any number of inputs (tflite-micro's PACK has no limit; CONCATENATION's 10 is its own)
    problem = check_data_io(graph, op, (max(1, len(op.inputs)),), tuple(range(len(op.inputs))))
    if problem:
        return problem
    out = graph.tensor(op.outputs[0])
    axis = _axis(graph, op)
    if not 0 <= axis < len(out.shape):
        return f"axis {op.options.get('axis')} out of range"
    want = tuple(out.shape[:axis]) + tuple(out.shape[axis + 1:])
    if out.shape[axis] != len(op.inputs) or any(tuple(graph.tensor(t).shape) != want for t in op.inputs):
        return "inputs do not stack to the output's shape"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    out = graph.tensor(op.outputs[0])
    outer = math.prod(out.shape[:_axis(graph, op)])
    chunk = math.prod(out.shape[_axis(graph, op) + 1:])
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="concatenation",
        params=(("num_inputs", len(op.inputs)), ("outer", outer), ("chunk_bytes", ConstRef("chunk_bytes"))),
        inputs=tuple(op.inputs), outputs=(out.id,),
        consts=(ConstArray("chunk_bytes", "int32_t", (chunk,) * len(op.inputs)),),
    )
