"""MUL, int8 or int16 (16x8 models: zero points 0, as TFLM requires) with TFLite broadcasting, TFLM's reference arithmetic (mul_common.cc): offset
inputs multiplied in int32, one requantization by scale1 * scale2 / output scale (in double)."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import KernelCall
from mcugen.ops.common import check_int16_io, label
from mcugen.ops.elementwise import binary_call, broadcast_params, check_binary
from mcugen.ops.shapes import MAX_DIMS, broadcast_shape

KINDS = ("MUL",)
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)


def _is_int16(graph: Graph, op: Op) -> bool:
    return bool(op.outputs) and graph.tensor(op.outputs[0]).dtype == "INT16"


def _check_int16(graph: Graph, op: Op) -> str | None:
    if len(op.inputs) != 2 or len(op.outputs) != 1:
        return f"{len(op.inputs)} inputs, {len(op.outputs)} outputs (needs 2 and 1)"
    problem = check_int16_io(graph, op, (*op.inputs, *op.outputs))
    if problem:
        return problem
    for t in (graph.tensor(tid) for tid in (*op.inputs, *op.outputs)):
        if t.quant.zero_point != 0:
            return f"tensor {label(t)} has zero point {t.quant.zero_point} (int16 MUL needs 0, as tflite-micro)"
    a, b, out = (graph.tensor(t).shape for t in (*op.inputs, op.outputs[0]))
    if broadcast_shape(a, b) != tuple(out):
        return f"shapes {list(a)} and {list(b)} do not broadcast to {list(out)}"
    if len(out) > 4 and tuple(a) != tuple(b):
        return f"broadcasting in {len(out)}-D (TFLM aborts beyond 4-D)"
    if len(out) > MAX_DIMS:
        return f"rank {len(out)} (at most {MAX_DIMS})"
    if quant.fused_activation(op) not in quant.SUPPORTED_ACTIVATIONS:
        return f"fused activation {quant.fused_activation(op)}"
    return None


def check(graph: Graph, op: Op) -> str | None:
    return _check_int16(graph, op) if _is_int16(graph, op) else check_binary(graph, op)


def lower(graph: Graph, op: Op) -> KernelCall:
    t1, t2, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    real = quant.f32(t1.quant.scale) * quant.f32(t2.quant.scale) / quant.f32(out.quant.scale)
    multiplier, shift = quant.quantize_multiplier(real)
    constants = (("output_multiplier", multiplier), ("output_shift", shift))
    if not _is_int16(graph, op):
        return binary_call(graph, op, "mul", constants)
    walk, consts = broadcast_params(graph, op)
    act_min, act_max = quant.activation_range(quant.fused_activation(op), out, quant.INT16_MIN, quant.INT16_MAX)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="mul", type_suffix="s16",
        params=(*walk, ("input1_offset", -t1.quant.zero_point), ("input2_offset", -t2.quant.zero_point),
                ("output_offset", out.quant.zero_point), *constants, ("act_min", act_min), ("act_max", act_max)),
        inputs=tuple(op.inputs), outputs=(out.id,), consts=consts,
    )
