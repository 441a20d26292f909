"""FULLY_CONNECTED: int8 x int8 -> int8 with int32 bias, per-tensor or per-channel weights.

TFLM computes per-tensor multipliers from a float32 product of scales and per-channel ones in
double (see quant.py); the kernel applies TFLM's double-rounding requantization.
"""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import conv_s16, quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, NullRef, TensorRef
from mcugen.ops.common import check_int8_io
from mcugen.ops.int4 import as_s4, has_int4_filter

KINDS = ("FULLY_CONNECTED",)
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)


def check(graph: Graph, op: Op) -> str | None:
    if conv_s16.is_int16(graph, op):  # 16x8 models: the int16 convolution kernel, 1x1
        return conv_s16.check_fully_connected(graph, op)
    problem = check_int8_io(graph, op, n_inputs=(2, 3))
    if problem:
        return problem
    filt = graph.tensor(op.inputs[1])
    if filt.dtype not in ("INT8", "INT4") or not filt.is_constant or filt.quant is None or len(filt.shape) != 2:
        return "weights must be a constant 2-D int8 or int4 tensor"
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        bias = graph.tensor(op.inputs[2])
        if bias.dtype != "INT32" or not bias.is_constant:
            return "bias must be a constant int32 tensor"
    if filt.dtype == "INT4" and filt.quant.per_channel:
        return "per-channel int4 weights (tflite-micro takes int4 dense weights per tensor only)"
    if filt.quant.per_channel and (filt.quant.axis != 0 or len(filt.quant.scales) != filt.shape[0]):
        return f"per-channel weights quantized along axis {filt.quant.axis} (expected 0)"
    if op.options.get("weights_format", "DEFAULT") != "DEFAULT":
        return f"weights_format {op.options['weights_format']} (only DEFAULT)"
    if quant.fused_activation(op) not in quant.SUPPORTED_ACTIVATIONS:
        return f"fused activation {quant.fused_activation(op)}"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    if conv_s16.is_int16(graph, op):
        return conv_s16.lower_fully_connected(graph, op)
    call = _lower(graph, op)
    return as_s4(call) if has_int4_filter(graph, op) else call


def _lower(graph: Graph, op: Op) -> KernelCall:
    inp, filt, out = graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1]), graph.tensor(op.outputs[0])
    output_depth, accum_depth = filt.shape
    per_channel = filt.quant.per_channel
    if per_channel:
        mults, shifts = quant.conv_multipliers(inp.quant.scale, filt.quant.scales, out.quant.scale,
                                               output_depth)
        filter_offset = 0  # TFLM's per-channel path ignores the (symmetric) filter zero point
    else:
        m, s = quant.fc_per_tensor_multiplier(inp.quant.scale, filt.quant.scale, out.quant.scale)
        mults, shifts = [m], [s]
        filter_offset = -filt.quant.zero_point
    act_min, act_max = quant.activation_range(quant.fused_activation(op), out)
    has_bias = len(op.inputs) > 2 and op.inputs[2] >= 0
    batches = out.num_elements // output_depth
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="fully_connected",
        params=(
            ("batches", batches),
            ("accum_depth", accum_depth),
            ("output_depth", output_depth),
            ("input_offset", -inp.quant.zero_point),
            ("filter_offset", filter_offset),
            ("output_offset", out.quant.zero_point),
            ("act_min", act_min),
            ("act_max", act_max),
            ("per_channel", int(per_channel)),
            ("filter", TensorRef(filt.id)),
            ("bias", TensorRef(op.inputs[2]) if has_bias else NullRef()),
            ("multiplier", ConstRef("multiplier")),
            ("shift", ConstRef("shift")),
        ),
        inputs=(inp.id,),
        outputs=(out.id,),
        consts=(ConstArray("multiplier", "int32_t", tuple(mults)),
                ConstArray("shift", "int8_t", tuple(shifts))),
    )
