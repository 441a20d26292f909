"""The aliasing table: which ops may share or overwrite which bytes. The one place these rules live.

Everything here follows the overlap contract in docs/design.md, which the kernels honour:
- view ops: the output *is* the input bytes;
- element-wise ops: the output may start at the same address as a same-shape input dying there;
- streaming ops: output row r goes through a one-row scratch and is copied out only after every
  input row it could still need has been read, so the output may sit partly over a dying input,
  at most `streaming_max_shift` bytes above it.
"""
from __future__ import annotations

from mcugen import ir

VIEW_OPS = frozenset({"RESHAPE", "SQUEEZE", "EXPAND_DIMS"})

# views when they read the first bytes of their input in order (x[:, :k], x[:, 0]): the output
# is then those bytes; the op module's `reads_prefix` says when, from the op's geometry
PREFIX_VIEW_OPS = frozenset({"SLICE", "STRIDED_SLICE"})

ELEMENTWISE_OPS = frozenset({
    "ADD", "SUB", "MUL", "RELU", "RELU6", "RELU_N1_TO_1", "LOGISTIC", "TANH", "LEAKY_RELU",
    "HARD_SWISH", "QUANTIZE",
    "ABS", "RSQRT", "ELU", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE", "PRELU",
})

STREAMING_OPS = frozenset({"CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D"})

# "no limit": a streaming op with a single output row may overwrite its input anywhere.
UNLIMITED = 1 << 60


def view_input(graph: ir.Graph, op: ir.Op) -> int | None:
    """The tensor a view op's output shares bytes with, or None when it must be copied."""
    if op.kind not in VIEW_OPS | PREFIX_VIEW_OPS or not op.inputs or len(op.outputs) != 1:
        return None
    src = op.inputs[0]
    if src < 0 or graph.tensors[src].is_constant:
        return None
    if op.kind in PREFIX_VIEW_OPS:
        from mcugen.ops.builtin.slice import reads_prefix

        return src if reads_prefix(graph, op) else None
    if graph.tensors[src].nbytes != graph.tensors[op.outputs[0]].nbytes:
        return None
    return src


def elementwise_candidates(graph: ir.Graph, op: ir.Op) -> tuple[int, ...]:
    """Inputs the output of an element-wise op may overwrite (same shape and element size)."""
    if op.kind not in ELEMENTWISE_OPS or len(op.outputs) != 1:
        return ()
    out = graph.tensors[op.outputs[0]]
    found = []
    for tid in op.inputs:
        if tid < 0 or tid in found:
            continue
        t = graph.tensors[tid]
        if not t.is_constant and t.shape == out.shape and t.itemsize == out.itemsize:
            found.append(tid)
    return tuple(found)


def _pad_top(in_h: int, out_h: int, stride: int, filter_h: int, dilation: int, padding: str) -> int:
    """TFLite's SAME/VALID top padding (ComputePaddingHeightWidth's rule)."""
    if padding != "SAME":
        return 0
    effective = (filter_h - 1) * dilation + 1
    total = max((out_h - 1) * stride + effective - in_h, 0)
    return total // 2


def _filter_height(graph: ir.Graph, op: ir.Op) -> int:
    if op.kind in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
        return int(op.options.get("filter_height", 1))
    return graph.tensors[op.inputs[1]].shape[1]  # CONV [O,KH,KW,I], DEPTHWISE [1,KH,KW,C]


def streaming_max_shift(graph: ir.Graph, op: ir.Op) -> int | None:
    """Largest `out_offset - in_offset` allowed when a streaming op's output overlaps its input.

    Output row r is copied out after the input rows below first_in_row(r + 1) were read for the
    last time, so for every r < H_out - 1: d + (r + 1) * out_row <= first_in_row(r + 1) * in_row.
    Returns None when the op does not stream (batch > 1, odd shapes); UNLIMITED for one row.
    """
    if op.kind not in STREAMING_OPS or not op.inputs or len(op.outputs) != 1:
        return None
    src, dst = graph.tensors[op.inputs[0]], graph.tensors[op.outputs[0]]
    if src.is_constant or len(src.shape) != 4 or len(dst.shape) != 4:
        return None
    if src.dtype != "INT8" or dst.dtype != "INT8":
        return None  # only the int8 kernels stream rows through scratch; the int16 ones do not
    if src.shape[0] != 1 or dst.shape[0] != 1:
        return None
    _, in_h, in_w, in_c = src.shape
    _, out_h, out_w, out_c = dst.shape
    in_row = in_w * in_c * src.itemsize
    out_row = out_w * out_c * dst.itemsize
    stride = int(op.options.get("stride_h", 1))
    dilation = int(op.options.get("dilation_h_factor", 1))
    pad = _pad_top(in_h, out_h, stride, _filter_height(graph, op), dilation,
                   str(op.options.get("padding", "VALID")))
    if out_h <= 1:
        return UNLIMITED
    return min(max(0, (r + 1) * stride - pad) * in_row - (r + 1) * out_row for r in range(out_h - 1))
