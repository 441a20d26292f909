"""What the FULLY_CONNECTED variants (dsp, quad, m0, mve, xtensa) all start from: the filter as
rows, the bias with the input offset folded in, and the requantization per output channel."""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph
from mcugen.ops.base import KernelCall, TensorRef


def channel_requant(call: KernelCall, channels: int) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """The call's multipliers and shifts, one per output channel (a per-tensor pair repeated)."""
    mults, shifts = call.const("multiplier"), call.const("shift")
    if len(mults) == 1:
        return mults * channels, shifts * channels
    return mults, shifts


def folded_dense(graph: Graph, call: KernelCall, input_offset: int | None = None
                 ) -> tuple[np.ndarray, np.ndarray, tuple[int, ...], tuple[int, ...]]:
    """FULLY_CONNECTED `call`'s filter [output_depth, accum_depth], its bias (int64; zeros where it
    has none) plus `input_offset` (the call's own unless given) times each filter row's sum, and
    its multipliers and shifts per output channel."""
    p = dict(call.params)
    depth, accum = p["output_depth"], p["accum_depth"]
    filt = graph.tensor(p["filter"].tensor_id).array().reshape(depth, accum)
    bias = (graph.tensor(p["bias"].tensor_id).array().astype(np.int64) if isinstance(p["bias"], TensorRef)
            else np.zeros(depth, np.int64))
    offset = p["input_offset"] if input_offset is None else input_offset
    return (filt, bias + offset * filt.astype(np.int64).sum(axis=1), *channel_requant(call, depth))
