"""What the rewrites share: who produces and who consumes a tensor, and rebuilding a Graph
(ops renumbered in order, new tensors appended at the end so every TFLite tensor id keeps its
place)."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable

from mcugen.ir import Graph, Op, Tensor

VIEWS = ("RESHAPE", "SQUEEZE", "EXPAND_DIMS")


def consumers(graph: Graph, tid: int) -> list[Op]:
    return [op for op in graph.ops if tid in op.inputs]


def producer(graph: Graph, tid: int) -> Op | None:
    return next((op for op in graph.ops if tid in op.outputs), None)


def sole_consumer(graph: Graph, tid: int) -> Op | None:
    """The one op reading `tid`, when exactly one does and `tid` is no model output."""
    users = consumers(graph, tid)
    if len(users) != 1 or tid in graph.outputs or users[0].inputs.count(tid) != 1:
        return None
    return users[0]


def const_array(graph: Graph, tid: int):
    """The constant int data of tensor `tid` as numpy, or None (absent, activation, quantized)."""
    if tid < 0:
        return None
    t = graph.tensor(tid)
    if not t.is_constant or t.quant is not None or t.dtype not in ("INT32", "INT64"):
        return None
    return t.array()


def same_quant(a: Tensor, b: Tensor) -> bool:
    if a.quant is None or b.quant is None:
        return a.quant is b.quant
    return a.quant.scales == b.quant.scales and a.quant.zero_points == b.quant.zero_points


def new_tensor(tensors: list[Tensor], like: Tensor, shape: tuple[int, ...], suffix: str) -> int:
    """Append an activation like `like` with `shape`; returns its id."""
    tid = len(tensors)
    tensors.append(Tensor(tid, f"{like.name}/{suffix}", tuple(shape), like.dtype, like.quant, None))
    return tid


def view(src: int, dst: int) -> Op:
    """A one-input RESHAPE: the view every collapsed chain becomes (lowered from its tensors' shapes)."""
    return Op(-1, "RESHAPE", 1, (src,), (dst,), {})


def rebuild(graph: Graph, ops: Iterable[Op], tensors: Iterable[Tensor] | None = None) -> Graph:
    """`graph` with `ops` (in execution order, indices renumbered) and `tensors`."""
    renumbered = tuple(replace(op, index=i) if op.index != i else op for i, op in enumerate(ops))
    return replace(graph, ops=renumbered, tensors=tuple(tensors) if tensors is not None else graph.tensors)


def rewire(ops: Iterable[Op], old: int, new: int) -> list[Op]:
    """Every op reading `old` reads `new` instead."""
    return [replace(op, inputs=tuple(new if i == old else i for i in op.inputs)) if old in op.inputs else op
            for op in ops]
