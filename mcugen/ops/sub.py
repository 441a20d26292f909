"""SUB, int8 with TFLite broadcasting, TFLM's reference arithmetic (sub_common.cc).

Both inputs are brought to twice the larger input scale with a 20-bit left shift, subtracted,
and requantized; the three multipliers come from float32 ratios, as in CalculateOpDataSub.
"""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import check_int8_io
from mcugen.ops.shapes import MAX_DIMS, broadcast_iteration, broadcast_shape

KINDS = ("SUB",)
LEFT_SHIFT = 20


def check_binary(graph: Graph, op: Op) -> str | None:
    """Two int8 per-tensor inputs broadcasting to the int8 output's shape, a plain activation."""
    problem = check_int8_io(graph, op, n_inputs=(2,), activation_inputs=2)
    if problem:
        return problem
    a, b, out = (graph.tensor(t).shape for t in (*op.inputs, op.outputs[0]))
    if broadcast_shape(a, b) != tuple(out):
        return f"shapes {list(a)} and {list(b)} do not broadcast to {list(out)}"
    if len(out) > MAX_DIMS:
        return f"rank {len(out)} (at most {MAX_DIMS})"
    if quant.fused_activation(op) not in quant.SUPPORTED_ACTIVATIONS:
        return f"fused activation {quant.fused_activation(op)}"
    return None


def broadcast_params(graph: Graph, op: Op) -> tuple[tuple, tuple]:
    """The (params, consts) describing the collapsed broadcast walk of a binary op."""
    a, b, out = (graph.tensor(t).shape for t in (*op.inputs, op.outputs[0]))
    dims, stride1, stride2 = broadcast_iteration(a, b, out)
    params = (("rank", len(dims)), ("dims", ConstRef("dims")),
              ("stride1", ConstRef("stride1")), ("stride2", ConstRef("stride2")))
    consts = (ConstArray("dims", "int32_t", dims), ConstArray("stride1", "int32_t", stride1),
              ConstArray("stride2", "int32_t", stride2))
    return params, consts


def sub_multipliers(scale1: float, scale2: float, output_scale: float) -> dict[str, int]:
    s1, s2, so = np.float32(scale1), np.float32(scale2), np.float32(output_scale)
    twice_max = np.float32(2 * max(s1, s2))
    m1, sh1 = quant.quantize_multiplier(quant.f32(s1 / twice_max))
    m2, sh2 = quant.quantize_multiplier(quant.f32(s2 / twice_max))
    mo, sho = quant.quantize_multiplier(quant.f32(twice_max / np.float32((1 << LEFT_SHIFT) * so)))
    return {"input1_multiplier": m1, "input1_shift": sh1, "input2_multiplier": m2,
            "input2_shift": sh2, "output_multiplier": mo, "output_shift": sho}


def check(graph: Graph, op: Op) -> str | None:
    return check_binary(graph, op)


def lower(graph: Graph, op: Op) -> KernelCall:
    t1, t2, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    walk, consts = broadcast_params(graph, op)
    m = sub_multipliers(t1.quant.scale, t2.quant.scale, out.quant.scale)
    act_min, act_max = quant.activation_range(quant.fused_activation(op), out)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="sub",
        params=(*walk,
                ("input1_offset", -t1.quant.zero_point), ("input2_offset", -t2.quant.zero_point),
                ("output_offset", out.quant.zero_point), ("left_shift", LEFT_SHIFT),
                *m.items(), ("act_min", act_min), ("act_max", act_max)),
        inputs=tuple(op.inputs), outputs=(out.id,), consts=consts,
    )
