"""MUL, int8 with TFLite broadcasting, TFLM's reference arithmetic (mul_common.cc): offset
inputs multiplied in int32, one requantization by scale1 * scale2 / output scale (in double)."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import broadcast_params, check_binary

KINDS = ("MUL",)


def check(graph: Graph, op: Op) -> str | None:
    return check_binary(graph, op)


def lower(graph: Graph, op: Op) -> KernelCall:
    t1, t2, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    walk, consts = broadcast_params(graph, op)
    real = quant.f32(t1.quant.scale) * quant.f32(t2.quant.scale) / quant.f32(out.quant.scale)
    multiplier, shift = quant.quantize_multiplier(real)
    act_min, act_max = quant.activation_range(quant.fused_activation(op), out)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="mul",
        params=(*walk,
                ("input1_offset", -t1.quant.zero_point), ("input2_offset", -t2.quant.zero_point),
                ("output_offset", out.quant.zero_point), ("output_multiplier", multiplier),
                ("output_shift", shift), ("act_min", act_min), ("act_max", act_max)),
        inputs=tuple(op.inputs), outputs=(out.id,), consts=consts,
        macs=out.num_elements,
    )
