"""INT4 weights (TFLite's packed INT4 tensors) for the int8 weight ops: the `_s4` kernels.

TFLM unpacks int4 filters to int8 and runs the int8 reference arithmetic, so the lowering is the
int8 op's own; only the kernel changes: `<kernel>_s4` reads the filter packed, two per byte, so
the weights stay half size in flash.
"""
from __future__ import annotations

from dataclasses import replace

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall


def has_int4_filter(graph: Graph, op: Op) -> bool:
    return len(op.inputs) > 1 and op.inputs[1] >= 0 and graph.tensor(op.inputs[1]).dtype == "INT4"


def as_s4(call: KernelCall) -> KernelCall:
    """An int8-weight call, rerouted to its packed-int4 kernel (same params, same order)."""
    return replace(call, type_suffix="s4")
