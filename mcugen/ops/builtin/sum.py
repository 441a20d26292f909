"""SUM, int8 over any axes, TFLM's reference arithmetic (reduce_common.cc, QuantizedMeanOrSum
with compute_sum): the int32 sum minus zero_point * count, requantized once by input/output
scale (double ratio, no 1/count folded in). It runs on MEAN's kernel (mean_s8)."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import KernelCall
from mcugen.ops.builtin.mean import check as check_reduction, reduction_axes
from mcugen.ops.builtin.reduce_max_min import reduction_walk

KINDS = ("SUM",)


def check(graph: Graph, op: Op) -> str | None:
    return check_reduction(graph, op)


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    count = 1
    for d in reduction_axes(graph, op):
        count *= inp.shape[d]
    multiplier, shift = quant.quantize_multiplier(quant.f32(inp.quant.scale) / quant.f32(out.quant.scale))
    params, consts = reduction_walk(graph, op)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="mean",
        params=(*params, ("count", count), ("input_zero_point", inp.quant.zero_point),
                ("output_zero_point", out.quant.zero_point),
                ("multiplier", multiplier), ("shift", shift)),
        inputs=(inp.id,), outputs=(out.id,), consts=consts)
