"""Hand-made arena plans for tests: every buffer apart (`separate_plan`) or any placement a test
wants (`fixed_plan`), as real `ArenaPlan`s the code generator takes like the planner's own."""
from __future__ import annotations

from typing import Mapping

from mcugen.arena import ArenaPlan
from mcugen.ir import Graph


def _align(n: int, a: int) -> int:
    return (n + a - 1) // a * a


def fixed_plan(size: int, tensor_offsets: Mapping[int, int], scratch_offsets: Mapping[int, int],
               algorithm: str, align: int = 16) -> ArenaPlan:
    """An unverified plan with the given offsets (the tests that use it check what it means)."""
    return ArenaPlan(size=size, tensor_offsets=dict(tensor_offsets), scratch_offsets=dict(scratch_offsets),
                     buffers=(), lower_bound=size, optimal=False, algorithm=algorithm, inplace=False,
                     align=align)


def separate_plan(graph: Graph, scratch: Mapping[int, int], align: int = 16) -> ArenaPlan:
    """Every activation tensor and scratch buffer at its own offset: always valid, never small."""
    offset, tensors, scratches = 0, {}, {}
    for tid in graph.activation_ids:
        tensors[tid] = offset
        offset += _align(graph.tensor(tid).nbytes, align)
    for op_index, nbytes in sorted(scratch.items()):
        scratches[op_index] = offset
        offset += _align(nbytes, align)
    return fixed_plan(max(offset, align), tensors, scratches, "separate", align)
