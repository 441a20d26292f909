"""SLICE and STRIDED_SLICE, int8: a box (with strides) of the input, copied by the strided_copy
kernel. The begin/size/end/stride arithmetic is TFLM's (slice.cc; strided_slice_common.cc with
the reference StartForAxis/EndForAxis); what TFLM would fail on at Prepare or Eval is refused.

TFLM's STRIDED_SLICE zeroes ellipsis_mask and new_axis_mask before computing, so mcugen does
too; a model where that changes the output shape fails TFLM's output-size check, and is refused
here for the same reason.
"""
from __future__ import annotations

import math

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall
from mcugen.ops.shapes import row_major_strides
from mcugen.ops.strided import Part, check_data_io, constant_ints, is_prefix, strided_call

KINDS = ("SLICE", "STRIDED_SLICE")
INT16_KINDS = ("STRIDED_SLICE",)  # also on int16 activations (16x8 models)
MAX_RANK = {"SLICE": 5, "STRIDED_SLICE": 4}  # TFLM's kMaxDim of each kernel


def _slice_part(graph: Graph, op: Op) -> Part | str:
    shape = graph.tensor(op.inputs[0]).shape
    begin, size = constant_ints(graph, op, 1), constant_ints(graph, op, 2)
    types = {graph.tensor(op.inputs[i]).dtype for i in (1, 2)}
    if begin is None or size is None or len(types) != 1:
        return "begin and size must be constant int32 or int64 tensors of one type"
    if len(begin) != len(shape) or len(size) != len(shape):
        return "begin and size need one value per input dim"
    dims = []
    for b, s, n in zip(begin, size, shape):
        if not 0 <= b <= n:
            return f"begin {b} outside [0, {n}]"
        s = n - b if s == -1 else s
        if not 0 <= s <= n - b:
            return f"size {s} outside [0, {n - b}]"
        dims.append(s)
    return Part(tuple(dims), row_major_strides(shape), sum(b * st for b, st in zip(begin, row_major_strides(shape))))


def _clamp(v: int, lo: int, hi: int) -> int:
    return max(lo, min(hi, v))


def _strided_part(graph: Graph, op: Op) -> tuple[Part, tuple[int, ...]] | str:
    """The part and the output shape TFLM's CheckOutputSize expects."""
    shape = graph.tensor(op.inputs[0]).shape
    values = [constant_ints(graph, op, i) for i in (1, 2, 3)]
    if any(v is None or graph.tensor(op.inputs[i + 1]).dtype != "INT32" for i, v in enumerate(values)):
        return "begin, end and strides must be constant int32 tensors"
    begin, end, strides = values
    if not len(begin) == len(end) == len(strides) == len(shape):
        return "begin, end and strides need one value per input dim"
    o = op.options
    if o.get("offset"):
        return "the offset option"
    bmask, emask, smask = (int(o.get(k, 0)) for k in ("begin_mask", "end_mask", "shrink_axis_mask"))
    in_strides = row_major_strides(shape)
    dims, steps, expected, first = [], [], [], 0
    for a, n in enumerate(shape):
        stride = strides[a]
        if stride == 0:
            return "stride 0"
        start = begin[a] + n if begin[a] < 0 else begin[a]
        start = _clamp(start, 0, n) if stride > 0 else _clamp(start, -1, n - 1)
        if bmask >> a & 1:
            start = 0 if stride > 0 else n - 1
        shrink = bool(smask >> a & 1)
        if shrink:
            stop = start if start >= n else start + 1
        else:
            stop = end[a] + n if end[a] < 0 else end[a]
            stop = _clamp(stop, 0, n) if stride > 0 else _clamp(stop, -1, n - 1)
            if emask >> a & 1:
                stop = n if stride > 0 else -1
        count = len(range(start, stop, stride))  # TFLM's loop: index < stop (> stop if stride < 0)
        if not shrink:  # TFLM's output-size check: ceil((end - begin) / stride), end = begin + 1 if shrunk
            expected.append(max(0, math.ceil((stop - start) / stride)))
        elif count != 1:
            return f"shrinking axis {a} at {start} selects {count} elements"
        dims.append(count)
        steps.append(stride * in_strides[a])
        first += start * in_strides[a] if count else 0
    return Part(tuple(dims), tuple(steps), first), tuple(expected)


def check(graph: Graph, op: Op) -> str | None:
    # STRIDED_SLICE also on int16 activations (16x8 models): strided_copy_s16
    dtypes = ("INT8",) if op.kind == "SLICE" else ("INT8", "INT16")
    problem = check_data_io(graph, op, (3,) if op.kind == "SLICE" else (4,), dtypes=dtypes)
    if problem:
        return problem
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    if not 1 <= len(inp.shape) <= MAX_RANK[op.kind]:
        return f"rank {len(inp.shape)} (1 to {MAX_RANK[op.kind]})"
    if op.kind == "SLICE":
        part = _slice_part(graph, op)
        if isinstance(part, str):
            return part
        if math.prod(part.dims) != out.num_elements:
            return "the slice and the output differ in size"
        return None
    found = _strided_part(graph, op)
    if isinstance(found, str):
        return found
    part, expected = found
    if expected != tuple(out.shape):
        return f"output shape {list(out.shape)}, TFLM computes {list(expected)} (ellipsis and new-axis masks ignored)"
    if math.prod(part.dims) != out.num_elements:
        return "the slice and the output differ in size"
    return None


def _part(graph: Graph, op: Op) -> Part:
    return _slice_part(graph, op) if op.kind == "SLICE" else _strided_part(graph, op)[0]


def reads_prefix(graph: Graph, op: Op) -> bool:
    """Whether the output is the input's first bytes in order (x[:, :k], x[:, 0]): then it is a
    view the arena may place on the input (mcugen/arena/aliasing.py)."""
    return check(graph, op) is None and is_prefix(_part(graph, op))


def lower(graph: Graph, op: Op) -> KernelCall:
    part = _part(graph, op)
    return strided_call(graph, op, op.inputs[0], [part], view=is_prefix(part))
