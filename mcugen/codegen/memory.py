"""Ask the arena stage for a plan; until `mcugen.arena.plan_arena` exists, place every buffer
at its own offset (always valid, never small)."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping

from mcugen.ir import Graph
from mcugen.ops.base import KernelCall


@dataclass(frozen=True)
class SimplePlan:
    size: int
    tensor_offsets: Mapping[int, int]
    scratch_offsets: Mapping[int, int] = field(default_factory=dict)
    algorithm: str = "separate"
    inplace: bool = False


def scratch_needs(calls: list[KernelCall]) -> dict[int, int]:
    return {c.op_index: c.scratch_bytes for c in calls if c.scratch_bytes}


def _align(n: int, a: int) -> int:
    return (n + a - 1) // a * a


def separate_plan(graph: Graph, scratch: Mapping[int, int], align: int = 16) -> SimplePlan:
    offset, tensors, scratches = 0, {}, {}
    for tid in graph.activation_ids:
        tensors[tid] = offset
        offset += _align(graph.tensor(tid).nbytes, align)
    for op_index, nbytes in sorted(scratch.items()):
        scratches[op_index] = offset
        offset += _align(nbytes, align)
    return SimplePlan(size=max(offset, align), tensor_offsets=tensors, scratch_offsets=scratches)


def plan_memory(graph: Graph, calls: list[KernelCall], inplace: bool = True, align: int = 16):
    """The arena plan for `graph` lowered to `calls` (an `ArenaPlan` or compatible)."""
    try:
        from mcugen.arena import plan_arena
    except ImportError:
        return separate_plan(graph, scratch_needs(calls), align)
    return plan_arena(graph, scratch_needs(calls), inplace=inplace, align=align)
