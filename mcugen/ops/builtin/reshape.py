"""RESHAPE, SQUEEZE, EXPAND_DIMS: views. No code when the plan aliases output and input,
else a copy (the `copy` kernel, by element type: int8, or int16 in 16x8 models)."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall

KINDS = ("RESHAPE", "SQUEEZE", "EXPAND_DIMS")
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)
COPY_SUFFIX = {"INT8": "s8", "INT16": "s16"}  # the copy kernel when the plan cannot alias


def check(graph: Graph, op: Op) -> str | None:
    if not op.inputs or op.inputs[0] < 0 or len(op.outputs) != 1:
        return "needs one data input and one output"
    src, dst = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    if src.nbytes != dst.nbytes or src.dtype != dst.dtype:
        return "input and output differ in size or type"
    if src.quant != dst.quant and (src.quant is None or dst.quant is None
                                   or src.quant.scales != dst.quant.scales
                                   or src.quant.zero_points != dst.quant.zero_points):
        return "input and output quantization differ"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    src, dst = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    return KernelCall(op_index=op.index, kind=op.kind, kernel="copy",
                      params=(("bytes", dst.nbytes),), inputs=(src.id,), outputs=(dst.id,),
                      view=True, type_suffix=COPY_SUFFIX.get(src.dtype, "s8"))
