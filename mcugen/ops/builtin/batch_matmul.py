"""BATCH_MATMUL, int8 (TFLM batch_matmul.cc over reference_ops::BatchMatMul): out[b] = lhs[b] x rhs[b]
with adj_x / adj_y transposing the last two dims of an operand, batch dims broadcast (2-D to 5-D),
zero points subtracted from both operands, one per-tensor requantization (TFLM's
GetQuantizedConvolutionMultipler), no fused activation (the int8 range).

TFLM transposes operands into persistent buffers first; here the transposes are strides, and
the broadcast batches are per-batch offsets, all computed once in Python.
"""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import label

KINDS = ("BATCH_MATMUL",)


def _operands(graph: Graph, op: Op):
    return graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1]), graph.tensor(op.outputs[0])


def check(graph: Graph, op: Op) -> str | None:
    if len(op.inputs) != 2 or len(op.outputs) != 1 or min(op.inputs) < 0:
        return f"{len(op.inputs)} inputs (two operands)"
    lhs, rhs, out = _operands(graph, op)
    for t in (lhs, rhs, out):
        if t.dtype != "INT8" or t.quant is None or t.quant.per_channel:
            return f"tensor {label(t)} must be per-tensor int8 (is {t.dtype})"
    if not (2 <= len(lhs.shape) <= 5 and 2 <= len(rhs.shape) <= 5):
        return "operands must have 2 to 5 dimensions"
    rank = max(len(lhs.shape), len(rhs.shape))
    a, b = _extended(lhs.shape, rank), _extended(rhs.shape, rank)
    if any(x != y and 1 not in (x, y) for x, y in zip(a[:-2], b[:-2])):
        return f"batch dims {list(lhs.shape[:-2])} and {list(rhs.shape[:-2])} do not broadcast"
    m, k, k2, n = _dims(a, b, op)
    if k != k2:
        return f"inner dimensions differ ({k} and {k2})"
    want = tuple(max(x, y) for x, y in zip(a[:-2], b[:-2])) + (m, n)
    if tuple(out.shape) != want:
        return f"output shape {list(out.shape)} is not {list(want)}"
    return None


def _extended(shape, rank: int) -> tuple[int, ...]:
    return (1,) * (rank - len(shape)) + tuple(shape)


def _dims(a, b, op: Op) -> tuple[int, int, int, int]:
    """(rows of the result, depth seen from lhs, depth seen from rhs, columns)."""
    adj_x, adj_y = bool(op.options.get("adj_x")), bool(op.options.get("adj_y"))
    m, k = (a[-1], a[-2]) if adj_x else (a[-2], a[-1])
    k2, n = (b[-1], b[-2]) if adj_y else (b[-2], b[-1])
    return m, k, k2, n


def _batch_offsets(shape, rank: int, out_batch: tuple[int, ...]) -> tuple[int, ...]:
    """Element offset of each output batch's matrix in an operand (0-stride where it broadcasts)."""
    ext = _extended(shape, rank)
    matrix = ext[-1] * ext[-2]
    strides, step = [], matrix
    for d in reversed(ext[:-2]):
        strides.append(step)
        step *= d
    strides = list(reversed(strides))
    index = np.indices(out_batch).reshape(len(out_batch), -1).T if out_batch else np.zeros((1, 0), int)
    return tuple(int(sum(i * (s if e != 1 else 0) for i, s, e in zip(row, strides, ext[:-2]))) for row in index)


def lower(graph: Graph, op: Op) -> KernelCall:
    lhs, rhs, out = _operands(graph, op)
    rank = len(out.shape)
    a, b = _extended(lhs.shape, rank), _extended(rhs.shape, rank)
    m, k, _, n = _dims(a, b, op)
    adj_x, adj_y = bool(op.options.get("adj_x")), bool(op.options.get("adj_y"))
    out_batch = tuple(out.shape[:-2])
    multiplier, shift = quant.fc_per_tensor_multiplier(lhs.quant.scale, rhs.quant.scale, out.quant.scale)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="batch_matmul",
        params=(("batches", int(np.prod(out_batch, dtype=np.int64)) if out_batch else 1),
                ("rows", m), ("cols", n), ("depth", k),
                # element strides: lhs (row, depth), rhs (depth, column)
                ("lhs_row_stride", 1 if adj_x else a[-1]), ("lhs_depth_stride", a[-1] if adj_x else 1),
                ("rhs_depth_stride", 1 if adj_y else b[-1]), ("rhs_col_stride", b[-1] if adj_y else 1),
                ("lhs_batch", ConstRef("lhs_batch")), ("rhs_batch", ConstRef("rhs_batch")),
                ("lhs_offset", -lhs.quant.zero_point), ("rhs_offset", -rhs.quant.zero_point),
                ("output_offset", out.quant.zero_point),
                ("output_multiplier", multiplier), ("output_shift", shift)),
        inputs=(lhs.id, rhs.id), outputs=(out.id,),
        consts=(ConstArray("lhs_batch", "int32_t", _batch_offsets(lhs.shape, rank, out_batch)),
                ConstArray("rhs_batch", "int32_t", _batch_offsets(rhs.shape, rank, out_batch))),
    )
