"""Checks shared by op modules."""
from __future__ import annotations

from mcugen.ir import Graph, Op, Tensor


def label(t: Tensor) -> str:
    """How messages name a tensor: its name quoted, or its index when it has none."""
    return repr(t.name) if t.name else f"#{t.id}"


def check_int8_io(graph: Graph, op: Op, n_inputs: tuple[int, ...] = (1,), n_outputs: int = 1,
                  activation_inputs: int = 1) -> str | None:
    """None when the op has an accepted input count and int8, quantized activations in and out."""
    if len(op.inputs) not in n_inputs:
        return f"{len(op.inputs)} inputs"
    if len(op.outputs) != n_outputs:
        return f"{len(op.outputs)} outputs"
    tids = list(op.inputs[:activation_inputs]) + list(op.outputs)
    for tid in tids:
        if tid < 0:
            return "missing input"
        t = graph.tensor(tid)
        if t.dtype != "INT8":
            return f"tensor {label(t)} is {t.dtype} (int8 only)"
        if t.quant is None:
            return f"tensor {label(t)} is not quantized"
        if t.quant.per_channel:
            return f"tensor {label(t)} has per-channel activations"
    return None


def check_int16_io(graph: Graph, op: Op, tids) -> str | None:
    """None when every tensor of `tids` is a per-tensor quantized int16 activation (16x8 models)."""
    for tid in tids:
        t = graph.tensor(tid) if tid >= 0 else None
        if t is None or t.dtype != "INT16" or t.quant is None or t.quant.per_channel:
            return f"tensor {label(t) if t else tid} must be per-tensor quantized int16 (like the op's other activations)"
    return None


def check_spatial_weights(graph: Graph, op: Op, int4: bool = False) -> str | None:
    """CONV_2D / DEPTHWISE_CONV_2D: 4-D tensors, constant int8 filter, int32 bias, known options."""
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    if len(inp.shape) != 4 or len(out.shape) != 4:
        return "input and output must be 4-D (NHWC)"
    filt = graph.tensor(op.inputs[1]) if op.inputs[1] >= 0 else None
    if filt is None or filt.dtype not in (("INT8", "INT4") if int4 else ("INT8",)) or not filt.is_constant or filt.quant is None or len(filt.shape) != 4:
        return "weights must be a constant 4-D int8 tensor"
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        bias = graph.tensor(op.inputs[2])
        if bias.dtype != "INT32" or not bias.is_constant:
            return "bias must be a constant int32 tensor"
    channel_axis = 3 if op.kind == "DEPTHWISE_CONV_2D" else 0
    if filt.quant.per_channel and (filt.quant.axis != channel_axis
                                   or len(filt.quant.scales) != filt.shape[channel_axis]):
        return f"per-channel weights quantized along axis {filt.quant.axis} (expected {channel_axis})"
    if op.options.get("padding", "VALID") not in ("SAME", "VALID"):
        return f"padding {op.options.get('padding')}"
    act = op.options.get("fused_activation_function", "NONE")
    if act not in ("NONE", "RELU", "RELU6", "RELU_N1_TO_1"):
        return f"fused activation {act}"
    return None


def spatial_params(graph: Graph, op: Op, filter_h: int, filter_w: int) -> tuple[tuple, tuple]:
    """The params and per-channel constants CONV_2D and DEPTHWISE_CONV_2D lower to alike:
    geometry, padding, offsets, activation clamp, weights, multipliers and shifts. The caller adds
    its own fields and the `bias_folded` constant."""
    from mcugen.ops import quant
    from mcugen.ops.base import ConstArray, ConstRef, ScratchRef, TensorRef

    inp, filt, out = graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1]), graph.tensor(op.outputs[0])
    o = op.options
    batches, in_h, in_w, in_c = inp.shape
    _, out_h, out_w, out_c = out.shape
    sh, sw = int(o.get("stride_h", 1)), int(o.get("stride_w", 1))
    dh, dw = int(o.get("dilation_h_factor", 1)), int(o.get("dilation_w_factor", 1))
    padding = str(o.get("padding", "VALID"))
    pad_top = quant.pad_before(padding, in_h, filter_h, sh, dh, quant.out_size(padding, in_h, filter_h, sh, dh))
    pad_left = quant.pad_before(padding, in_w, filter_w, sw, dw, quant.out_size(padding, in_w, filter_w, sw, dw))
    mults, shifts = quant.conv_multipliers(inp.quant.scale, filt.quant.scales, out.quant.scale, out_c)
    act_min, act_max = quant.activation_range(quant.fused_activation(op), out)
    params = (
        ("batches", batches), ("in_h", in_h), ("in_w", in_w), ("in_c", in_c),
        ("out_h", out_h), ("out_w", out_w), ("out_c", out_c),
        ("filter_h", filter_h), ("filter_w", filter_w),
        ("stride_h", sh), ("stride_w", sw), ("dilation_h", dh), ("dilation_w", dw),
        ("pad_top", pad_top), ("pad_left", pad_left),
        ("input_offset", -inp.quant.zero_point), ("output_offset", out.quant.zero_point),
        ("act_min", act_min), ("act_max", act_max),
        ("filter", TensorRef(filt.id)),
        ("bias_folded", ConstRef("bias_folded")),
        ("multiplier", ConstRef("multiplier")), ("shift", ConstRef("shift")),
        ("scratch", ScratchRef()),
    )
    consts = (ConstArray("multiplier", "int32_t", tuple(mults)), ConstArray("shift", "int8_t", tuple(shifts)))
    return params, consts


def bias_or_zeros(graph: Graph, op: Op, out_c: int):
    """The op's int32 bias as an array, zeros when the optional bias input is absent."""
    import numpy as np

    has_bias = len(op.inputs) > 2 and op.inputs[2] >= 0
    return graph.tensor(op.inputs[2]).array() if has_bias else np.zeros(out_c, np.int32)


def check_conversion(graph: Graph, op: Op, inputs: tuple[str, ...], outputs: tuple[str, ...]) -> str | None:
    """A QUANTIZE/DEQUANTIZE-like op: one input of a dtype in `inputs`, one output of a dtype in
    `outputs`, the same element count, and every int8 side quantized per tensor."""
    if len(op.inputs) != 1 or len(op.outputs) != 1 or op.inputs[0] < 0:
        return "needs one input and one output"
    for side, tensor, allowed in (("input", graph.tensor(op.inputs[0]), inputs),
                                  ("output", graph.tensor(op.outputs[0]), outputs)):
        if tensor.dtype not in allowed:
            return f"{side} {label(tensor)} is {tensor.dtype} ({' or '.join(a.lower() for a in allowed)} only)"
        if tensor.dtype in ("INT8", "INT16") and (tensor.quant is None or tensor.quant.per_channel):
            return f"{side} {label(tensor)} must be per-tensor quantized {tensor.dtype.lower()}"
    if graph.tensor(op.inputs[0]).num_elements != graph.tensor(op.outputs[0]).num_elements:
        return "input and output differ in size"
    return None
