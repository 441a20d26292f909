"""Checks shared by op modules."""
from __future__ import annotations

from mcugen.ir import Graph, Op


def check_int8_io(graph: Graph, op: Op, n_inputs: tuple[int, ...] = (1,), n_outputs: int = 1,
                  activation_inputs: int = 1) -> str | None:
    """None when the op has an accepted input count and int8, quantized activations in and out."""
    if len(op.inputs) not in n_inputs:
        return f"{len(op.inputs)} inputs"
    if len(op.outputs) != n_outputs:
        return f"{len(op.outputs)} outputs"
    tids = list(op.inputs[:activation_inputs]) + list(op.outputs)
    for tid in tids:
        if tid < 0:
            return "missing input"
        t = graph.tensor(tid)
        if t.dtype != "INT8":
            return f"tensor {t.name!r} is {t.dtype} (int8 only)"
        if t.quant is None:
            return f"tensor {t.name!r} is not quantized"
        if t.quant.per_channel:
            return f"tensor {t.name!r} has per-channel activations"
    return None
