"""SPLIT, SPLIT_V and UNPACK, int8 (TFLM split.cc, split_v.cc, unpack.cc): one input cut along an
axis into several outputs, each a strided part of the input (one strided_copy call writes them
all). Values are copied as they are."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall
from mcugen.ops.shapes import row_major_strides
from mcugen.ops.strided import Part, check_data_io, constant_ints, strided_call

KINDS = ("SPLIT", "SPLIT_V", "UNPACK")


def _data(op: Op) -> int:
    return op.inputs[1] if op.kind == "SPLIT" else op.inputs[0]


def _axis(graph: Graph, op: Op) -> int | None:
    rank = len(graph.tensor(_data(op)).shape)
    if op.kind == "UNPACK":
        axis = int(op.options.get("axis", 0))
    else:
        values = constant_ints(graph, op, 0 if op.kind == "SPLIT" else 2)
        if values is None or len(values) != 1 or graph.tensor(op.inputs[0 if op.kind == "SPLIT" else 2]).dtype != "INT32":
            return None
        axis = values[0]
    axis = axis + rank if axis < 0 else axis
    return axis if 0 <= axis < rank else None


def _parts(graph: Graph, op: Op, axis: int) -> list[Part]:
    shape = graph.tensor(_data(op)).shape
    strides = row_major_strides(shape)
    parts, offset = [], 0
    for tid in op.outputs:
        if op.kind == "UNPACK":
            keep = [d for d in range(len(shape)) if d != axis]
            parts.append(Part(tuple(shape[d] for d in keep), tuple(strides[d] for d in keep),
                              offset * strides[axis]))
            offset += 1
        else:
            dims = graph.tensor(tid).shape
            parts.append(Part(tuple(dims), strides, offset * strides[axis]))
            offset += dims[axis]
    return parts


def check(graph: Graph, op: Op) -> str | None:
    n_inputs = {"SPLIT": 2, "SPLIT_V": 3, "UNPACK": 1}[op.kind]
    problem = check_data_io(graph, op, (n_inputs,), (1 if op.kind == "SPLIT" else 0,), one_output=False)
    if problem:
        return problem
    axis = _axis(graph, op)
    if axis is None:
        return "the axis must be a constant int32 scalar within the input's dims"
    shape = graph.tensor(_data(op)).shape
    outs = [graph.tensor(t).shape for t in op.outputs]
    if op.kind == "UNPACK":
        want = tuple(d for i, d in enumerate(shape) if i != axis)
        if len(outs) != shape[axis] or any(tuple(s) != want for s in outs):
            return f"outputs do not unpack {list(shape)} along axis {axis}"
        return None
    if any(len(s) != len(shape) or any(a != b for i, (a, b) in enumerate(zip(s, shape)) if i != axis)
           for s in outs):
        return "an output differs from the input off the split axis"
    if op.kind == "SPLIT" and len({s[axis] for s in outs}) != 1:
        return "SPLIT outputs differ in size (TFLM sizes them all as the first)"
    if sum(s[axis] for s in outs) != shape[axis]:
        return "the outputs do not add up to the input along the axis"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    return strided_call(graph, op, _data(op), _parts(graph, op, _axis(graph, op)))
