"""Graph -> placement problem: lifetimes of activation tensors, grouped by the aliasing rules.

Op i runs at step i. Model inputs are alive from step 0, model outputs to the last step; every
other tensor from the op that writes it to the last op that reads it. With in-place on, view
outputs join their input's group, an element-wise output joins a same-shape input group that
dies at that op, and a streaming op's output gets a permit to overlap its dying input.
"""
from __future__ import annotations

from typing import Mapping

from mcugen import ir
from mcugen.arena import aliasing
from mcugen.arena.problem import Permit, Problem, Request, round_up
from mcugen.errors import ArenaError


def tensor_lifetimes(graph: ir.Graph) -> dict[int, tuple[int, int]]:
    """Activation tensor id -> (first step, last step), both inclusive."""
    end = max(len(graph.ops) - 1, 0)
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    activations = set(graph.activation_ids)
    for tid in graph.inputs:
        if tid in activations:
            first[tid] = 0
    for op in graph.ops:
        for tid in op.inputs:
            if tid in activations:
                first.setdefault(tid, op.index)  # read before written: treated as alive from here
                last[tid] = op.index
        for tid in op.outputs:
            if tid in activations:
                first.setdefault(tid, op.index)
                last[tid] = max(last.get(tid, op.index), op.index)
    for tid in graph.outputs:
        if tid in activations:
            first.setdefault(tid, 0)
            last[tid] = end
    return {tid: (first.get(tid, 0), last.get(tid, first.get(tid, 0))) for tid in activations}


class _Groups:
    """Union-find over tensor ids, keeping each group's lifetime."""

    def __init__(self, lives: Mapping[int, tuple[int, int]]):
        self.parent = {t: t for t in lives}
        self.span = dict(lives)

    def find(self, t: int) -> int:
        while self.parent[t] != t:
            self.parent[t] = self.parent[self.parent[t]]
            t = self.parent[t]
        return t

    def join(self, keep: int, other: int) -> None:
        a, b = self.find(keep), self.find(other)
        if a == b:
            return
        (f1, l1), (f2, l2) = self.span[a], self.span[b]
        self.parent[b] = a
        self.span[a] = (min(f1, f2), max(l1, l2))


def build_problem(graph: ir.Graph, scratch: Mapping[int, int] | None = None, *, inplace: bool = True,
                  align: int = 16) -> tuple[Problem, dict[int, int]]:
    """The placement problem for `graph`, and activation tensor id -> request index."""
    if align <= 0 or align & (align - 1):
        raise ArenaError(f"alignment {align} is not a power of two", hint="use e.g. --align 16")
    lives = tensor_lifetimes(graph)
    groups = _Groups(lives)
    outputs = set(graph.outputs)
    permits: list[tuple[int, int, int]] = []  # (out tensor, in tensor, max shift)
    if inplace:
        for op in graph.ops:
            src = aliasing.view_input(graph, op)
            if src is not None:
                groups.join(src, op.outputs[0])
        for op in graph.ops:
            out = op.outputs[0] if op.outputs else -1
            if out in lives and not _write_in_place(graph, op, groups, outputs):
                shift = aliasing.streaming_max_shift(graph, op)
                if shift is not None and _dies_here(groups, op.inputs[0], op, outputs):
                    permits.append((out, op.inputs[0], shift))

    members: dict[int, list[int]] = {}
    for tid in sorted(lives):
        members.setdefault(groups.find(tid), []).append(tid)
    requests: list[Request] = []
    index_of: dict[int, int] = {}
    for root, tids in sorted(members.items(), key=lambda kv: (groups.span[kv[0]][0], kv[0])):
        first, last = groups.span[root]
        nbytes = max(graph.tensors[t].nbytes for t in tids)
        for t in tids:
            index_of[t] = len(requests)
        requests.append(Request(f"t{tids[0]}", round_up(max(nbytes, 1), align), first, last,
                                nbytes, tuple(tids)))
    for op_index, nbytes in sorted((scratch or {}).items()):
        if nbytes > 0:
            if not 0 <= op_index < len(graph.ops):
                raise ArenaError(f"scratch given for op {op_index}, but the graph has {len(graph.ops)} ops")
            requests.append(Request(f"s{op_index}", round_up(nbytes, align), op_index, op_index,
                                    nbytes, (), op_index))
    problem_permits = tuple(Permit(index_of[o], index_of[i], (shift // align) * align)
                            for o, i, shift in permits)
    return Problem(tuple(requests), problem_permits, align), index_of


def _dies_here(groups: _Groups, tid: int, op: ir.Op, outputs: set[int]) -> bool:
    """Is `tid`'s whole group (it and its views) read for the last time by `op`, and no model
    output, so that `op`'s output may take its bytes?"""
    if tid not in groups.parent:
        return False
    root = groups.find(tid)
    return (groups.span[root][1] == op.index and root != groups.find(op.outputs[0])
            and not any(groups.find(t) == root for t in outputs if t in groups.parent))


def _write_in_place(graph: ir.Graph, op: ir.Op, groups: _Groups, outputs: set[int]) -> bool:
    """Merge an element-wise op's output into a same-shape input group dying here, if any."""
    for src in aliasing.elementwise_candidates(graph, op):
        if _dies_here(groups, src, op, outputs):
            groups.join(src, op.outputs[0])
            return True
    return False
