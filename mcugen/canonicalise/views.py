"""A chain of views (RESHAPE/SQUEEZE/EXPAND_DIMS) collapses to one view from the chain's first
input to its last output: the bytes never change, only the shape (the last one's). A tensor in
the middle that anything else reads, or that is a model output, keeps the chain apart."""
from __future__ import annotations

from mcugen.canonicalise.graphs import VIEWS, rebuild, sole_consumer, view
from mcugen.ir import Graph


def collapse_views(graph: Graph) -> Graph:
    for first in graph.ops:
        if first.kind not in VIEWS or not first.inputs or first.inputs[0] < 0:
            continue
        nxt = sole_consumer(graph, first.outputs[0])
        if nxt is None or nxt.kind not in VIEWS or nxt.inputs[0] != first.outputs[0]:
            continue
        merged = view(first.inputs[0], nxt.outputs[0])
        ops = [merged if op.index == nxt.index else op for op in graph.ops if op.index != first.index]
        return rebuild(graph, ops)  # one pair at a time: the fixpoint loop takes the rest
    return graph
