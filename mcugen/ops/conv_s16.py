"""CONV_2D on 16x8 models (int16 activations, int8 weights, int64 or int32 bias), as
tflite-micro's int16 ConvPerChannel computes it: an int64 accumulator over the taps inside the
image (both zero points 0, so no offsets), the bias added, then the 64-bit
MultiplyByQuantizedMultiplier with the same per-channel multipliers as int8, clamped to int16."""
from __future__ import annotations

from dataclasses import replace

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, TensorRef
from mcugen.ops.common import bias_or_zeros, check_spatial_weights, label


def is_int16(graph: Graph, op: Op) -> bool:
    return bool(op.inputs) and op.inputs[0] >= 0 and graph.tensor(op.inputs[0]).dtype == "INT16"


def check(graph: Graph, op: Op) -> str | None:
    if len(op.inputs) not in (2, 3) or len(op.outputs) != 1:
        return f"{len(op.inputs)} inputs, {len(op.outputs)} outputs"
    for t in (graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])):
        if t.dtype != "INT16" or t.quant is None or t.quant.per_channel:
            return f"tensor {label(t)} must be per-tensor quantized int16"
        if t.quant.zero_point != 0:
            return f"tensor {label(t)} has zero point {t.quant.zero_point} (int16 convolutions need 0)"
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        bias = graph.tensor(op.inputs[2])
        if bias.dtype not in ("INT64", "INT32") or not bias.is_constant:
            return "bias must be a constant int64 or int32 tensor"
    # the geometry and weight checks of int8, on the op without its (wider) bias
    return check_spatial_weights(graph, replace(op, inputs=op.inputs[:2]))


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, filt, out = graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1]), graph.tensor(op.outputs[0])
    o = op.options
    batches, in_h, in_w, in_c = inp.shape
    _, out_h, out_w, out_c = out.shape
    _, fh, fw, fic = filt.shape
    sh, sw = int(o.get("stride_h", 1)), int(o.get("stride_w", 1))
    dh, dw = int(o.get("dilation_h_factor", 1)), int(o.get("dilation_w_factor", 1))
    padding = str(o.get("padding", "VALID"))
    pad_top = quant.pad_before(padding, in_h, fh, sh, dh, quant.out_size(padding, in_h, fh, sh, dh))
    pad_left = quant.pad_before(padding, in_w, fw, sw, dw, quant.out_size(padding, in_w, fw, sw, dw))
    mults, shifts = quant.conv_multipliers(inp.quant.scale, filt.quant.scales, out.quant.scale, out_c)
    act_min, act_max = quant.activation_range(quant.fused_activation(op), out, quant.INT16_MIN, quant.INT16_MAX)
    bias = tuple(int(v) for v in bias_or_zeros(graph, op, out_c).reshape(-1))
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="conv_2d", type_suffix="s16",
        params=(("batches", batches), ("in_h", in_h), ("in_w", in_w), ("in_c", in_c),
                ("out_h", out_h), ("out_w", out_w), ("out_c", out_c),
                ("filter_h", fh), ("filter_w", fw), ("filter_in_c", fic),
                ("stride_h", sh), ("stride_w", sw), ("dilation_h", dh), ("dilation_w", dw),
                ("pad_top", pad_top), ("pad_left", pad_left), ("act_min", act_min), ("act_max", act_max),
                ("filter", TensorRef(filt.id)), ("bias", ConstRef("bias")),
                ("multiplier", ConstRef("multiplier")), ("shift", ConstRef("shift"))),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("bias", "int64_t", bias), ConstArray("multiplier", "int32_t", tuple(mults)),
                ConstArray("shift", "int8_t", tuple(shifts))),
    )


def check_fully_connected(graph: Graph, op: Op) -> str | None:
    """FULLY_CONNECTED on int16 activations: the int16 FullyConnected of tflite-micro is the
    convolution's arithmetic over a 1x1 image per row, so it runs on the same kernel."""
    if len(op.inputs) not in (2, 3) or len(op.outputs) != 1:
        return f"{len(op.inputs)} inputs, {len(op.outputs)} outputs"
    inp, filt, out = graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1]), graph.tensor(op.outputs[0])
    for t in (inp, out):
        if t.dtype != "INT16" or t.quant is None or t.quant.per_channel:
            return f"tensor {label(t)} must be per-tensor quantized int16"
        if t.quant.zero_point != 0:
            return f"tensor {label(t)} has zero point {t.quant.zero_point} (int16 FULLY_CONNECTED needs 0)"
    if filt.dtype != "INT8" or not filt.is_constant or filt.quant is None or len(filt.shape) != 2:
        return "weights must be a constant 2-D int8 tensor"
    if filt.quant.per_channel and (filt.quant.axis != 0 or len(filt.quant.scales) != filt.shape[0]):
        return f"per-channel weights quantized along axis {filt.quant.axis} (expected 0)"
    if any(z != 0 for z in filt.quant.zero_points):
        return "weights with a zero point"
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        bias = graph.tensor(op.inputs[2])
        if bias.dtype not in ("INT64", "INT32") or not bias.is_constant:
            return "bias must be a constant int64 or int32 tensor"
    if inp.num_elements % filt.shape[1] or out.num_elements != inp.num_elements // filt.shape[1] * filt.shape[0]:
        return "input and output sizes do not match the weights"
    if op.options.get("weights_format", "DEFAULT") != "DEFAULT":
        return f"weights_format {op.options['weights_format']} (only DEFAULT)"
    if quant.fused_activation(op) not in quant.SUPPORTED_ACTIVATIONS:
        return f"fused activation {quant.fused_activation(op)}"
    return None


def lower_fully_connected(graph: Graph, op: Op) -> KernelCall:
    inp, filt, out = graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1]), graph.tensor(op.outputs[0])
    units, depth = filt.shape
    rows = inp.num_elements // depth
    mults, shifts = quant.conv_multipliers(inp.quant.scale, filt.quant.scales, out.quant.scale, units)
    act_min, act_max = quant.activation_range(quant.fused_activation(op), out, quant.INT16_MIN, quant.INT16_MAX)
    bias = tuple(int(v) for v in bias_or_zeros(graph, op, units).reshape(-1))
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="conv_2d", type_suffix="s16",
        params=(("batches", rows), ("in_h", 1), ("in_w", 1), ("in_c", depth),
                ("out_h", 1), ("out_w", 1), ("out_c", units),
                ("filter_h", 1), ("filter_w", 1), ("filter_in_c", depth),
                ("stride_h", 1), ("stride_w", 1), ("dilation_h", 1), ("dilation_w", 1),
                ("pad_top", 0), ("pad_left", 0), ("act_min", act_min), ("act_max", act_max),
                ("filter", TensorRef(filt.id)), ("bias", ConstRef("bias")),
                ("multiplier", ConstRef("multiplier")), ("shift", ConstRef("shift"))),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("bias", "int64_t", bias), ConstArray("multiplier", "int32_t", tuple(mults)),
                ConstArray("shift", "int8_t", tuple(shifts))),
    )
