"""Constant folding: an op on shape data whose inputs are all constants (or, for SHAPE, a tensor
whose static shape is known) is evaluated now, its output becoming a constant and the op gone.
Only int32/int64 shape math, in numpy; an op on quantized activation data is never folded.

Keras 3 emits this for Flatten with a dynamic batch: SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE's
shape input; once folded, the RESHAPE is a plain view."""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from mcugen.canonicalise.graphs import const_array, rebuild
from mcugen.ir import DTYPES, Graph, Op, Tensor

_INT_OUT = ("INT32", "INT64", "BOOL")
# after these the static shapes TensorFlow wrote for a dynamic batch are not the run-time ones
_SHAPE_CHANGING = ("SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND")


def _strided_slice(op: Op, x, begin, end, strides):
    o = op.options
    if o.get("ellipsis_mask", 0) or o.get("new_axis_mask", 0):
        return None
    index = []
    for i in range(len(begin)):
        b, e, s = int(begin[i]), int(end[i]), int(strides[i])
        if o.get("offset", False):
            e = b + e
        if o.get("shrink_axis_mask", 0) >> i & 1:
            index.append(b + x.shape[i] if b < 0 else b)
            continue
        index.append(slice(None if o.get("begin_mask", 0) >> i & 1 else b,
                           None if o.get("end_mask", 0) >> i & 1 else e, s))
    return x[tuple(index)]


def _slice(op: Op, x, begin, size):
    return x[tuple(slice(int(b), None if int(n) < 0 else int(b) + int(n)) for b, n in zip(begin, size))]


def _plain(fn: Callable) -> Callable:
    """A binary op: only without a fused activation."""
    def run(op: Op, a, b):
        return fn(a, b) if op.options.get("fused_activation_function", "NONE") == "NONE" else None
    return run


_EVAL: dict[str, Callable] = {
    "STRIDED_SLICE": _strided_slice,
    "SLICE": _slice,
    "PACK": lambda op, *xs: np.stack(xs, axis=int(op.options.get("axis", 0))),
    "CONCATENATION": lambda op, *xs: (np.concatenate(xs, axis=int(op.options.get("axis", 0)))
                                      if op.options.get("fused_activation_function", "NONE") == "NONE"
                                      else None),
    "GATHER": lambda op, x, idx: (np.take(x, idx, axis=int(op.options.get("axis", 0)))
                                  if not op.options.get("batch_dims", 0) else None),
    "CAST": lambda op, x: x,  # the output dtype is applied below
    "FILL": lambda op, dims, value: np.full(tuple(int(d) for d in dims), value),
    "RANGE": lambda op, start, limit, delta: np.arange(start, limit, delta),
    "ADD": _plain(np.add),
    "SUB": _plain(np.subtract),
    "MUL": _plain(np.multiply),
    "FLOOR_DIV": _plain(np.floor_divide),
    "REDUCE_PROD": lambda op, x, axis: np.prod(x, axis=tuple(int(a) for a in np.atleast_1d(axis)),
                                               keepdims=bool(op.options.get("keep_dims", False))),
}


def _evaluate(graph: Graph, op: Op, trust_shapes: bool):
    """The op's one output as numpy, or None when it cannot be folded."""
    if len(op.outputs) != 1:
        return None
    out = graph.tensor(op.outputs[0])
    if out.dtype not in _INT_OUT or out.quant is not None:
        return None
    if op.kind == "SHAPE":
        if not trust_shapes or not op.inputs or op.inputs[0] < 0:
            return None
        return np.array(graph.tensor(op.inputs[0]).shape)
    if op.kind not in _EVAL or any(i < 0 for i in op.inputs):
        return None
    args = [const_array(graph, i) for i in op.inputs]
    if not args or any(a is None for a in args):
        return None
    try:
        return _EVAL[op.kind](op, *args)
    except (ValueError, IndexError, TypeError, ZeroDivisionError):
        return None  # not ours to judge: it stays and is refused as usual


def fold_constants(graph: Graph) -> Graph:
    trust = not any(op.kind in _SHAPE_CHANGING for op in graph.ops)
    tensors = list(graph.tensors)
    kept: list[Op] = []
    changed = False
    for op in graph.ops:
        value = _evaluate(replace(graph, tensors=tuple(tensors)), op, trust) if op.outputs else None
        if value is None or op.outputs[0] in graph.outputs:
            kept.append(op)
            continue
        out = tensors[op.outputs[0]]
        value = np.array(value, dtype=DTYPES[out.dtype][0], order="C")
        tensors[out.id] = Tensor(out.id, out.name, tuple(int(d) for d in value.shape), out.dtype, None,
                                 value.tobytes())
        changed = True
    return rebuild(graph, kept, tensors) if changed else graph
