"""Kernel scratch grown in place after planning: room the plan leaves free anyway.

A kernel whose scratch buys speed (mcugen.ops.variants.grow_call) is planned with its smallest
scratch; once the plan exists, the bytes from its scratch's offset up to the next buffer alive at
its step (or the end of its RAM region, or of the arena) are free at that step whatever the kernel
does with them. Growing into them changes no offset and no arena size: the plan stays the plan,
and the verifier checks it again with the grown sizes.
"""
from __future__ import annotations

from mcugen import ir
from mcugen.arena.lifetimes import tensor_lifetimes


def scratch_room(graph: ir.Graph, plan, op_index: int) -> int:
    """Bytes op `op_index`'s scratch may take at its planned offset: up to the next tensor alive at
    that step, the end of its region or the arena (an op's scratch is the only one alive then)."""
    start = plan.scratch_offsets[op_index]
    area = plan.area_of(start) if plan.regions else None
    end = area.start + area.size if area is not None else plan.size
    for tid, (first, last) in tensor_lifetimes(graph).items():
        offset = plan.tensor_offsets.get(tid)
        if first <= op_index <= last and offset is not None and offset >= start and graph.tensors[tid].nbytes:
            end = min(end, offset)
    return end - start
