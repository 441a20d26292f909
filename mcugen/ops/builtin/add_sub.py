"""ADD and SUB: int8 (+|-) int8 -> int8 with TFLite broadcasting and fused activation (TFLM's
add_common.cc and sub_common.cc), one lowering for both.

Both inputs are brought to twice the larger input scale with a 20-bit left shift, added or
subtracted and requantized (kernels add_s8 and sub_s8, one params struct: mg_add_sub.h). On int16
activations (16x8 models) tflite-micro takes its general int16 path with a 15-bit left shift
(add_s16 and sub_s16, mg_add_sub_s16.h; never the power-of-two-scale shortcut). The ops
differ in the type TFLM computes the three multipliers' ratios in: double for ADD, float32 for
SUB (CalculateOpDataSub) on int8, double for both on int16 (what the pinned oracle does); a
float32 ratio differs in the last bits of most multipliers.
"""
from __future__ import annotations

from typing import Callable

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import KernelCall
from mcugen.ops.common import label
from mcugen.ops.elementwise import binary_call, broadcast_params, check_binary
from mcugen.ops.shapes import MAX_DIMS, broadcast_shape

KINDS = ("ADD", "SUB")
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)
LEFT_SHIFT = 20  # TFLM's headroom for int8 ADD and SUB
LEFT_SHIFT_S16 = 15  # and for int16
REAL: dict[str, Callable[[float], float]] = {"ADD": float, "SUB": np.float32}


def rescale_multipliers(scale1: float, scale2: float, output_scale: float,
                        real: Callable[[float], float], left_shift: int = LEFT_SHIFT) -> dict[str, int]:
    """The three multipliers, ratios computed in `real`: each input scale over twice the larger
    one, and that over 2^left_shift times the output scale."""
    s1, s2, so = (real(quant.f32(s)) for s in (scale1, scale2, output_scale))
    twice_max = real(2 * max(s1, s2))
    ratios = (s1 / twice_max, s2 / twice_max, twice_max / real((1 << left_shift) * so))
    (m1, sh1), (m2, sh2), (mo, sho) = (quant.quantize_multiplier(float(real(r))) for r in ratios)
    return {"input1_multiplier": m1, "input1_shift": sh1, "input2_multiplier": m2,
            "input2_shift": sh2, "output_multiplier": mo, "output_shift": sho}


def _multipliers(graph: Graph, op: Op) -> dict[str, int]:
    a, b, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    return rescale_multipliers(a.quant.scale, b.quant.scale, out.quant.scale, _real(graph, op), _left_shift(graph, op))


def _real(graph: Graph, op: Op) -> Callable[[float], float]:
    # int16 SUB's ratios are double in the pinned tflite-micro: float32 ones miss the SEANet
    # sub models by one in the last bit (measured, tests/oracle_random/test_elementwise_s16.py)
    return float if _is_int16(graph, op) else REAL[op.kind]


def _is_int16(graph: Graph, op: Op) -> bool:
    return bool(op.outputs) and op.outputs[0] >= 0 and graph.tensor(op.outputs[0]).dtype == "INT16"


def _left_shift(graph: Graph, op: Op) -> int:
    return LEFT_SHIFT_S16 if _is_int16(graph, op) else LEFT_SHIFT


def _check_int16(graph: Graph, op: Op) -> str | None:
    """check_binary for int16: two int16 per-tensor inputs broadcasting to the int16 output."""
    if len(op.inputs) != 2 or len(op.outputs) != 1:
        return f"{len(op.inputs)} inputs, {len(op.outputs)} outputs (needs 2 and 1)"
    for tid in (*op.inputs, *op.outputs):
        t = graph.tensor(tid) if tid >= 0 else None
        if t is None or t.dtype != "INT16" or t.quant is None or t.quant.per_channel:
            return f"tensor {label(t) if t else tid} must be per-tensor quantized int16 like the output"
    a, b, out = (graph.tensor(t).shape for t in (*op.inputs, op.outputs[0]))
    if broadcast_shape(a, b) != tuple(out):
        return f"shapes {list(a)} and {list(b)} do not broadcast to {list(out)}"
    if len(out) > MAX_DIMS:
        return f"rank {len(out)} (at most {MAX_DIMS})"
    if tuple(a) != tuple(b) and len(out) > 4:
        return f"broadcasting in {len(out)}-D (TFLM aborts beyond 4-D)"
    if quant.fused_activation(op) not in quant.SUPPORTED_ACTIVATIONS:
        return f"fused activation {quant.fused_activation(op)}"
    return None


def check(graph: Graph, op: Op) -> str | None:
    problem = _check_int16(graph, op) if _is_int16(graph, op) else check_binary(graph, op)
    if problem:
        return problem
    if _multipliers(graph, op)["output_shift"] > 0:
        # TFLM's QuantizeMultiplierSmallerThanOneExp aborts on it (a degenerate output scale)
        return f"output scale below the inputs' / 2^{_left_shift(graph, op) - 1} (TFLM rejects it too)"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    if _is_int16(graph, op):
        return _lower_int16(graph, op)
    return binary_call(graph, op, op.kind.lower(), (("left_shift", LEFT_SHIFT), *_multipliers(graph, op).items()))


def _lower_int16(graph: Graph, op: Op) -> KernelCall:
    t1, t2, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    walk, consts = broadcast_params(graph, op)
    act_min, act_max = quant.activation_range(quant.fused_activation(op), out, quant.INT16_MIN, quant.INT16_MAX)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel=op.kind.lower(), type_suffix="s16",
        params=(*walk,
                ("input1_offset", -t1.quant.zero_point), ("input2_offset", -t2.quant.zero_point),
                ("output_offset", out.quant.zero_point), ("left_shift", LEFT_SHIFT_S16),
                *_multipliers(graph, op).items(), ("act_min", act_min), ("act_max", act_max)),
        inputs=tuple(op.inputs), outputs=(out.id,), consts=consts,
    )
