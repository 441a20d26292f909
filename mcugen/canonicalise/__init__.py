"""Canonicalisation: rewrites between reading the graph and lowering it, so the models users
bring (Keras 3 Conv1D with dilation, Flatten with a dynamic batch, ...) reach the kernels as the
ops they mean. Each rewrite is a module of its own, a pure `Graph -> Graph` (the same object
when it has nothing to do); `canonicalise` runs them all until none changes anything.

    fold        constant folding of shape math (SHAPE, STRIDED_SLICE, PACK, ... -> constants)
    dilated     SPACE_TO_BATCH_ND -> CONV_2D/DEPTHWISE_CONV_2D -> BATCH_TO_SPACE_ND -> dilated conv
    views       a chain of RESHAPE/SQUEEZE/EXPAND_DIMS -> one view
    quantize    identity QUANTIZE and DEQUANTIZE -> QUANTIZE pairs vanish
    float_islands  DEQUANTIZE -> element moves in float -> QUANTIZE: the moves on int8, then a table
    prune       ops whose outputs nothing reads (what folding left behind) go

A model with a dynamic batch is fixed to batch 1 before it is read (`batch.fix_dynamic_batch`,
run by `pipeline.load`). Whatever cannot be rewritten stays and is lowered or refused as usual. Tensor ids never move
(new tensors are appended), ops are renumbered in execution order.
"""
from __future__ import annotations

from typing import Callable

from mcugen.canonicalise.dilated import fuse_dilated
from mcugen.canonicalise.float_islands import make_islands_int8
from mcugen.canonicalise.fold import fold_constants
from mcugen.canonicalise.prune import drop_dead_ops
from mcugen.canonicalise.quantize import drop_identity_conversions
from mcugen.canonicalise.views import collapse_views
from mcugen.ir import Graph

REWRITES: tuple[Callable[[Graph], Graph], ...] = (fuse_dilated, fold_constants, drop_dead_ops,
                                                  collapse_views, drop_identity_conversions, make_islands_int8)
_MAX_ROUNDS = 10_000  # every rewrite removes at least one op: a graph has fewer


def canonicalise(graph: Graph) -> Graph:
    """`graph` with every rewrite applied until nothing changes (the same object if none applies)."""
    for _ in range(_MAX_ROUNDS):
        before = graph
        for rewrite in REWRITES:
            graph = rewrite(graph)
        if graph is before:
            return graph
    raise AssertionError("canonicalisation did not settle")  # a rewrite that undoes another: a bug
