"""Float islands that only move data become int8: DEQUANTIZE int8 -> float, then ops that only
move elements (SPLIT, RESHAPE, STRIDED_SLICE, ...), then QUANTIZE float -> int8.

TensorFlow's converter leaves such islands where it cannot give a SPLIT's outputs their input's
scale (an unrolled Keras GRU or LSTM, now and then: which run gets one is not even stable). No
arithmetic happens on the float values, so the island is the same moves on the int8 values, then
per QUANTIZE one int8 -> int8 map: dequantize then quantize, in tflite-micro's float arithmetic.
That map is the QUANTIZE left in place, marked `THROUGH_FLOAT` (ops/builtin/quantize.py lowers it
to a 256-entry table of exactly that arithmetic, not to an integer requantization).
"""
from __future__ import annotations

from dataclasses import replace

from mcugen.canonicalise.graphs import consumers, rebuild, rewire
from mcugen.ir import Graph, Op

THROUGH_FLOAT = "mcugen_through_float"  # QUANTIZE option: int8 -> float -> int8, as TFLM's pair

# ops that only move elements: kind -> the input positions that carry data
MOVES = {"RESHAPE": (0,), "SQUEEZE": (0,), "EXPAND_DIMS": (0,), "SPLIT": (1,), "SPLIT_V": (0,),
         "UNPACK": (0,), "STRIDED_SLICE": (0,), "SLICE": (0,), "TRANSPOSE": (0,), "GATHER": (0,),
         "DEPTH_TO_SPACE": (0,), "SPACE_TO_DEPTH": (0,), "BROADCAST_TO": (0,)}


def island(graph: Graph, dequantize: Op) -> tuple[set[int], set[int], list[Op]] | None:
    """(float tensors, move ops, closing QUANTIZE ops) of the island a DEQUANTIZE opens, when it
    is one: int8 per-tensor source, every reader of its float tensors a move (reading them only
    where data goes) or a QUANTIZE to int8, no float tensor a model output. Else None."""
    if dequantize.kind != "DEQUANTIZE" or len(dequantize.inputs) != 1 or len(dequantize.outputs) != 1:
        return None
    src = graph.tensor(dequantize.inputs[0])
    if src.dtype != "INT8" or src.is_constant or src.quant is None or src.quant.per_channel:
        return None
    floats, moves, closing = set(), set(), []
    todo = [dequantize.outputs[0]]
    while todo:
        tid = todo.pop()
        if tid in floats:
            continue
        if graph.tensor(tid).dtype != "FLOAT32" or tid in graph.outputs:
            return None
        floats.add(tid)
        for op in consumers(graph, tid):
            if op.kind == "QUANTIZE" and graph.tensor(op.outputs[0]).dtype == "INT8":
                closing.append(op)
            elif op.kind in MOVES and all(p in MOVES[op.kind] for p, t in enumerate(op.inputs) if t == tid):
                moves.add(op.index)
                todo.extend(op.outputs)
            else:
                return None
    return floats, moves, closing


def make_islands_int8(graph: Graph) -> Graph:
    """The first island in execution order rewritten (the same graph when there is none)."""
    for op in graph.ops:
        found = island(graph, op)
        if found is None:
            continue
        floats, _, closing = found
        src = graph.tensor(op.inputs[0])
        tensors = [replace(t, dtype=src.dtype, quant=src.quant) if t.id in floats else t
                   for t in graph.tensors]
        closed = {q.index for q in closing}
        ops = [replace(o, options={**o.options, THROUGH_FLOAT: True}) if o.index in closed else o
               for o in graph.ops if o.index != op.index]
        return rebuild(graph, rewire(ops, op.outputs[0], src.id), tensors)
    return graph
