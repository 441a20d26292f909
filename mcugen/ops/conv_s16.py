"""CONV_2D on 16x8 models (int16 activations, int8 weights, int64 or int32 bias), as
tflite-micro's int16 ConvPerChannel computes it: an int64 accumulator over the taps inside the
image (both zero points 0, so no offsets), the bias added, then the 64-bit
MultiplyByQuantizedMultiplier with the same per-channel multipliers as int8, clamped to int16.

FULLY_CONNECTED (a 1x1 image per row) and DEPTHWISE_CONV_2D (one group per input channel, its
weights re-laid out as [out_c][fh][fw][1]) run on the same kernel: tflite-micro's int16 kernels
for them are this arithmetic over the same taps."""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, ParamValue, TensorRef
from mcugen.ops.common import bias_or_zeros, check_spatial_weights, label


def is_int16(graph: Graph, op: Op) -> bool:
    return bool(op.inputs) and op.inputs[0] >= 0 and graph.tensor(op.inputs[0]).dtype == "INT16"


def _check_io(graph: Graph, op: Op, biases: tuple[str, ...]) -> str | None:
    """int16 activations with zero point 0 in and out, a constant bias of one of `biases`."""
    if len(op.inputs) not in (2, 3) or len(op.outputs) != 1:
        return f"{len(op.inputs)} inputs, {len(op.outputs)} outputs"
    for t in (graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])):
        if t.dtype != "INT16" or t.quant is None or t.quant.per_channel:
            return f"tensor {label(t)} must be per-tensor quantized int16"
        if t.quant.zero_point != 0:
            return f"tensor {label(t)} has zero point {t.quant.zero_point} (int16 {op.kind} needs 0)"
    if len(op.inputs) > 2 and op.inputs[2] >= 0:
        bias = graph.tensor(op.inputs[2])
        if bias.dtype not in biases or not bias.is_constant:
            return f"bias must be a constant {' or '.join(b.lower() for b in biases)} tensor"
    return None


def check(graph: Graph, op: Op) -> str | None:
    # the geometry and weight checks of int8, on the op without its (wider) bias
    return _check_io(graph, op, ("INT64", "INT32")) or check_spatial_weights(graph, replace(op, inputs=op.inputs[:2]))


def check_depthwise(graph: Graph, op: Op) -> str | None:
    """tflite-micro's int16 depthwise reads its bias as int64 whatever the tensor's type."""
    return _check_io(graph, op, ("INT64",)) or check_spatial_weights(graph, replace(op, inputs=op.inputs[:2]))


def _spatial_geometry(graph: Graph, op: Op, fh: int, fw: int, fic: int) -> tuple[tuple[str, ParamValue], ...]:
    """The kernel's geometry fields, batches .. pad_left, for a [out_c][fh][fw][fic] filter."""
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    o = op.options
    batches, in_h, in_w, in_c = inp.shape
    _, out_h, out_w, out_c = out.shape
    sh, sw = int(o.get("stride_h", 1)), int(o.get("stride_w", 1))
    dh, dw = int(o.get("dilation_h_factor", 1)), int(o.get("dilation_w_factor", 1))
    padding = str(o.get("padding", "VALID"))
    pad_top = quant.pad_before(padding, in_h, fh, sh, dh, quant.out_size(padding, in_h, fh, sh, dh))
    pad_left = quant.pad_before(padding, in_w, fw, sw, dw, quant.out_size(padding, in_w, fw, sw, dw))
    return (("batches", batches), ("in_h", in_h), ("in_w", in_w), ("in_c", in_c),
            ("out_h", out_h), ("out_w", out_w), ("out_c", out_c),
            ("filter_h", fh), ("filter_w", fw), ("filter_in_c", fic),
            ("stride_h", sh), ("stride_w", sw), ("dilation_h", dh), ("dilation_w", dw),
            ("pad_top", pad_top), ("pad_left", pad_left))


def _conv_call(graph: Graph, op: Op, geometry: tuple, out_c: int, filter_param: ParamValue,
               consts: tuple[ConstArray, ...] = ()) -> KernelCall:
    """The conv_2d_s16 call: `geometry` (batches .. pad_left), the weights as `filter_param`, and
    what Prepare computes: per-channel multipliers, the activation clamp, the int64 bias."""
    inp, filt, out = graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1]), graph.tensor(op.outputs[0])
    mults, shifts = quant.conv_multipliers(inp.quant.scale, filt.quant.scales, out.quant.scale, out_c)
    act_min, act_max = quant.activation_range(quant.fused_activation(op), out, quant.INT16_MIN, quant.INT16_MAX)
    bias = tuple(int(v) for v in bias_or_zeros(graph, op, out_c).reshape(-1))
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="conv_2d", type_suffix="s16",
        params=geometry + (("act_min", act_min), ("act_max", act_max), ("filter", filter_param),
                           ("bias", ConstRef("bias")), ("multiplier", ConstRef("multiplier")),
                           ("shift", ConstRef("shift"))),
        inputs=(inp.id,), outputs=(out.id,),
        consts=consts + (ConstArray("bias", "int64_t", bias), ConstArray("multiplier", "int32_t", tuple(mults)),
                         ConstArray("shift", "int8_t", tuple(shifts))),
    )


def lower(graph: Graph, op: Op) -> KernelCall:
    filt = graph.tensor(op.inputs[1])
    out_c, fh, fw, fic = filt.shape
    return _conv_call(graph, op, _spatial_geometry(graph, op, fh, fw, fic), out_c, TensorRef(filt.id))


def lower_depthwise(graph: Graph, op: Op) -> KernelCall:
    """DEPTHWISE_CONV_2D as a convolution of in_c groups of one input channel each: output channel
    c reads input channel c // depth_multiplier (TFLM's order), so the [1][fh][fw][out_c] weights
    only move their channel axis to the front."""
    filt = graph.tensor(op.inputs[1])
    _, fh, fw, out_c = filt.shape
    weights = np.moveaxis(filt.array(), 3, 0).reshape(-1)
    return _conv_call(graph, op, _spatial_geometry(graph, op, fh, fw, 1), out_c, ConstRef("filter"),
                      (ConstArray("filter", "int8_t", tuple(int(v) for v in weights)),))


def check_fully_connected(graph: Graph, op: Op) -> str | None:
    """FULLY_CONNECTED on int16 activations: the int16 FullyConnected of tflite-micro is the
    convolution's arithmetic over a 1x1 image per row, so it runs on the same kernel."""
    if len(op.inputs) not in (2, 3) or len(op.outputs) != 1:
        return f"{len(op.inputs)} inputs, {len(op.outputs)} outputs"
    problem = _check_io(graph, op, ("INT64", "INT32"))
    if problem:
        return problem
    inp, filt, out = graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1]), graph.tensor(op.outputs[0])
    if filt.dtype != "INT8" or not filt.is_constant or filt.quant is None or len(filt.shape) != 2:
        return "weights must be a constant 2-D int8 tensor"
    if filt.quant.per_channel and (filt.quant.axis != 0 or len(filt.quant.scales) != filt.shape[0]):
        return f"per-channel weights quantized along axis {filt.quant.axis} (expected 0)"
    if any(z != 0 for z in filt.quant.zero_points):
        return "weights with a zero point"
    if inp.num_elements % filt.shape[1] or out.num_elements != inp.num_elements // filt.shape[1] * filt.shape[0]:
        return "input and output sizes do not match the weights"
    if op.options.get("weights_format", "DEFAULT") != "DEFAULT":
        return f"weights_format {op.options['weights_format']} (only DEFAULT)"
    if quant.fused_activation(op) not in quant.SUPPORTED_ACTIVATIONS:
        return f"fused activation {quant.fused_activation(op)}"
    return None


def lower_fully_connected(graph: Graph, op: Op) -> KernelCall:
    filt = graph.tensor(op.inputs[1])
    units, depth = filt.shape
    geometry = (("batches", graph.tensor(op.inputs[0]).num_elements // depth), ("in_h", 1), ("in_w", 1),
                ("in_c", depth), ("out_h", 1), ("out_w", 1), ("out_c", units),
                ("filter_h", 1), ("filter_w", 1), ("filter_in_c", depth),
                ("stride_h", 1), ("stride_w", 1), ("dilation_h", 1), ("dilation_w", 1),
                ("pad_top", 0), ("pad_left", 0))
    return _conv_call(graph, op, geometry, units, TensorRef(filt.id))
