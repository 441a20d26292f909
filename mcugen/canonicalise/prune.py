"""Dead ops go: an op none of whose outputs is read by another op or is a model output (left over
when folding removed the shape math that read it). TFLite ops have no side effects."""
from __future__ import annotations

from mcugen.canonicalise.graphs import rebuild
from mcugen.ir import Graph


def drop_dead_ops(graph: Graph) -> Graph:
    read = {i for op in graph.ops for i in op.inputs} | set(graph.outputs)
    live = [op for op in graph.ops if any(t in read for t in op.outputs)]
    return graph if len(live) == len(graph.ops) else rebuild(graph, live)
