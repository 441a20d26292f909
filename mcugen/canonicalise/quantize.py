"""Identity conversions vanish: QUANTIZE int8 -> int8 with equal scale and zero point, and
DEQUANTIZE int8 -> float -> QUANTIZE int8 with equal scale and zero point (round(s*q / s) is q
for every int8 q in float32). Readers of the result read the source instead; when the result is a
model output, the pair becomes a view (the plan aliases it, or it is a byte copy)."""
from __future__ import annotations

from mcugen.canonicalise.graphs import rebuild, rewire, same_quant, sole_consumer, view
from mcugen.ir import Graph, Op


def _identity(graph: Graph, op: Op) -> tuple[set[int], int, int] | None:
    """(ops to drop, source, result) when `op` starts an identity conversion."""
    if op.kind not in ("QUANTIZE", "DEQUANTIZE") or len(op.inputs) != 1 or len(op.outputs) != 1:
        return None
    src = graph.tensor(op.inputs[0])
    if src.dtype != "INT8" or src.is_constant or src.quant is None or src.quant.per_channel:
        return None
    if op.kind == "QUANTIZE":
        dst = graph.tensor(op.outputs[0])
        return ({op.index}, src.id, dst.id) if dst.dtype == "INT8" and same_quant(src, dst) else None
    mid = graph.tensor(op.outputs[0])
    q = sole_consumer(graph, mid.id)
    if mid.dtype != "FLOAT32" or q is None or q.kind != "QUANTIZE" or len(q.outputs) != 1:
        return None
    dst = graph.tensor(q.outputs[0])
    return ({op.index, q.index}, src.id, dst.id) if dst.dtype == "INT8" and same_quant(src, dst) else None


def drop_identity_conversions(graph: Graph) -> Graph:
    for op in graph.ops:
        found = _identity(graph, op)
        if found is None:
            continue
        gone, src, dst = found
        if dst in graph.outputs and src in graph.inputs + graph.outputs:
            continue  # a model output must be its own buffer; nothing to gain from a copy
        last = max(gone)
        if dst in graph.outputs:
            ops = [view(src, dst) if o.index == last else o for o in graph.ops if o.index not in gone - {last}]
        else:
            ops = rewire([o for o in graph.ops if o.index not in gone], dst, src)
        return rebuild(graph, ops)
    return graph
