"""REVERSE_V2, int8 and int16 (TFLM reverse.cc): the input read backwards along constant axes
(what a Keras Bidirectional layer does to its backward sequence). tflite-micro sorts the axes and
runs only contiguous ones (its Eval fails otherwise), so mcugen refuses the rest too. Each
reversed axis is a negative input stride of the strided_copy kernel; values are copied as they are.
"""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall
from mcugen.ops.shapes import MAX_DIMS, row_major_strides
from mcugen.ops.strided import Part, check_data_io, constant_ints, strided_call

KINDS = ("REVERSE_V2",)
INT16_KINDS = KINDS


def _axes(graph: Graph, op: Op) -> list[int] | None:
    """The reversed axes, sorted and made non-negative; None when not constant int32 1-D."""
    if len(op.inputs) < 2 or op.inputs[1] < 0:
        return None
    t = graph.tensor(op.inputs[1])
    values = constant_ints(graph, op, 1)
    if values is None or t.dtype != "INT32" or len(t.shape) != 1:
        return None
    rank = len(graph.tensor(op.inputs[0]).shape)
    return sorted(a + rank if a < 0 else a for a in values)


def check(graph: Graph, op: Op) -> str | None:
    problem = check_data_io(graph, op, (2,), dtypes=("INT8", "INT16"))
    if problem:
        return problem
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    if tuple(inp.shape) != tuple(out.shape):
        return "output shape differs from the input's"
    if len(inp.shape) > MAX_DIMS:
        return f"rank {len(inp.shape)} (up to {MAX_DIMS})"
    axes = _axes(graph, op)
    if axes is None:
        return "the axes must be a constant 1-D int32 tensor"
    if not axes or len(axes) > len(inp.shape):
        return f"{len(axes)} axes for a rank-{len(inp.shape)} input"
    if any(not 0 <= a < len(inp.shape) for a in axes):
        return f"axis out of range for rank {len(inp.shape)}"
    if any(b != a + 1 for a, b in zip(axes, axes[1:])):
        return f"axes {axes} are not contiguous (tflite-micro reverses contiguous axes only)"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    inp = graph.tensor(op.inputs[0])
    strides = list(row_major_strides(inp.shape))
    start = 0
    for axis in _axes(graph, op):
        start += (inp.shape[axis] - 1) * strides[axis]
        strides[axis] = -strides[axis]
    return strided_call(graph, op, inp.id, [Part(tuple(inp.shape), tuple(strides), start)])
