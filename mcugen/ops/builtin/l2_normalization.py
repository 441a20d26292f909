"""L2_NORMALIZATION, int8 (TFLM l2norm.cc over reference_integer_ops::L2Normalization): each
innermost row divided by its L2 norm, output fixed at scale 1/128 and zero point 0 (TFLM
requires them). The inverse square root depends on each row's sum of squares, so it runs on the
device: gemmlowp's five Newton steps in Q3.28 (GetInvSqrtQuantizedMultiplierExp), in C.
"""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import KernelCall
from mcugen.ops.common import check_int8_io

KINDS = ("L2_NORMALIZATION",)


def check(graph: Graph, op: Op) -> str | None:
    problem = check_int8_io(graph, op)
    if problem:
        return problem
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    if tuple(inp.shape) != tuple(out.shape) or not 1 <= len(inp.shape) <= 4:
        return "input and output must be the same shape, 1-D to 4-D"
    if quant.f32(out.quant.scale) != quant.f32(1 / 128) or out.quant.zero_point != 0:
        return "output must have scale 1/128 and zero point 0 (TFLM requires it)"
    if quant.fused_activation(op) != "NONE":
        return f"fused activation {quant.fused_activation(op)}"
    if inp.shape[-1] > 1 << 15:
        return "rows longer than 32768 (the int32 sum of squares could overflow, as in TFLM)"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    inp = graph.tensor(op.inputs[0])
    depth = inp.shape[-1]
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="l2_normalization",
        params=(("outer", inp.num_elements // depth), ("depth", depth),
                ("input_zero_point", inp.quant.zero_point)),
        inputs=(inp.id,), outputs=(op.outputs[0],),
    )
