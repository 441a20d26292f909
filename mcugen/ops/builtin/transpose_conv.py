"""TRANSPOSE_CONV, int8 NHWC with per-channel int8 weights [out_c, fh, fw, in_c], optional int32
bias, SAME/VALID, any stride (TFLM transpose_conv.cc over reference_integer_ops::TransposeConv).

TFLM scatters each input pixel into an int32 output-sized scratch; the kernel here gathers, per
output element, the taps that reach it. Integer sums do not depend on their order, so the result
is the same bit for bit, with no scratch. Padding is TFLM's: ComputePaddingHeightWidth run on the
output size (the convolution this one transposes). Inputs: output shape, weights, input, bias.
"""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, NullRef, TensorRef
from mcugen.ops.common import label

KINDS = ("TRANSPOSE_CONV",)
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)


def _has_bias(op: Op) -> bool:
    return len(op.inputs) > 3 and op.inputs[3] >= 0


def check(graph: Graph, op: Op) -> str | None:
    if len(op.inputs) not in (3, 4) or len(op.outputs) != 1 or min(op.inputs[:3]) < 0:
        return f"{len(op.inputs)} inputs (output shape, weights, input[, bias])"
    shape, filt, inp = (graph.tensor(t) for t in op.inputs[:3])
    out = graph.tensor(op.outputs[0])
    wide = inp.dtype == "INT16"  # 16x8 models: int16 activations, int64 (or int16) bias
    for t in (inp, out):
        if t.dtype != ("INT16" if wide else "INT8") or t.quant is None or t.quant.per_channel:
            return f"tensor {label(t)} must be per-tensor {'int16' if wide else 'int8'} (is {t.dtype})"
        if wide and t.quant.zero_point != 0:
            return f"tensor {label(t)} has zero point {t.quant.zero_point} (int16 TRANSPOSE_CONV needs 0)"
    if filt.dtype != "INT8" or not filt.is_constant or filt.quant is None:
        return "weights must be constant int8"
    if any(z != 0 for z in filt.quant.zero_points):
        return "weights with a zero point (TFLM's int8 kernel ignores it)"
    if len(inp.shape) != 4 or len(filt.shape) != 4 or len(out.shape) != 4:
        return "input, weights and output must be 4-D"
    if filt.shape[3] != inp.shape[3] or filt.shape[0] != out.shape[3] or inp.shape[0] != out.shape[0]:
        return "shapes of input, weights and output do not match"
    if shape.is_constant and tuple(int(v) for v in shape.array().reshape(-1)) != tuple(out.shape):
        return "the output-shape input must equal the output's shape"
    if not shape.is_constant and (shape.dtype != "INT32" or shape.num_elements != 4):
        return "the output-shape input must be 4 int32 values"
    # a non-constant output-shape input (a model input in the SEANet models) is never read:
    # tflite-micro, like this kernel, takes the output tensor's static shape
    if _has_bias(op):
        bias = graph.tensor(op.inputs[3])
        want = ("INT64", "INT16") if wide else ("INT32",)
        if bias.dtype not in want or not bias.is_constant or bias.num_elements != out.shape[3]:
            return f"bias must be a constant {' or '.join(w.lower() for w in want)} vector of output channels"
    if len(filt.quant.scales) not in (1, out.shape[3]):
        return "weight scales must be per tensor or per output channel"
    if quant.fused_activation(op) not in ("NONE",):
        return f"fused activation {quant.fused_activation(op)} (not in TFLM's int8 kernel)"
    if op.options.get("padding") not in ("SAME", "VALID"):
        return f"padding {op.options.get('padding')}"
    return None


def padding(op: Op, out_h: int, out_w: int, fh: int, fw: int) -> tuple[int, int]:
    """(top, left) padding as TFLM computes it: from the output size, as for the forward conv."""
    pad_kind, sh, sw = op.options["padding"], int(op.options["stride_h"]), int(op.options["stride_w"])
    tmp_h, tmp_w = quant.out_size(pad_kind, out_h, fh, sh), quant.out_size(pad_kind, out_w, fw, sw)
    return quant.pad_before(pad_kind, out_h, fh, sh, 1, tmp_h), quant.pad_before(pad_kind, out_w, fw, sw, 1, tmp_w)


def _lower_int16(graph: Graph, op: Op) -> KernelCall:
    """The int16 kernel: TFLM's int64 sum and requantization; an int16 bias widened to int64."""
    filt, inp, out = graph.tensor(op.inputs[1]), graph.tensor(op.inputs[2]), graph.tensor(op.outputs[0])
    batches, out_h, out_w, out_c = out.shape
    _, fh, fw, in_c = filt.shape
    pad_h, pad_w = padding(op, out_h, out_w, fh, fw)
    mults, shifts = quant.conv_multipliers(inp.quant.scale, filt.quant.scales, out.quant.scale, out_c)
    consts = [ConstArray("multipliers", "int32_t", tuple(mults)), ConstArray("shifts", "int32_t", tuple(shifts))]
    if _has_bias(op):
        consts.append(ConstArray("bias", "int64_t", tuple(int(v) for v in graph.tensor(op.inputs[3]).array().reshape(-1))))
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="transpose_conv", type_suffix="s16",
        params=(("batches", batches), ("in_h", inp.shape[1]), ("in_w", inp.shape[2]), ("in_c", in_c),
                ("out_h", out_h), ("out_w", out_w), ("out_c", out_c), ("filter_h", fh), ("filter_w", fw),
                ("stride_h", int(op.options["stride_h"])), ("stride_w", int(op.options["stride_w"])),
                ("pad_h", pad_h), ("pad_w", pad_w), ("filter", TensorRef(filt.id)),
                ("bias", ConstRef("bias") if _has_bias(op) else NullRef()),
                ("multipliers", ConstRef("multipliers")), ("shifts", ConstRef("shifts"))),
        inputs=(inp.id,), outputs=(out.id,), consts=tuple(consts),
    )


def lower(graph: Graph, op: Op) -> KernelCall:
    if graph.tensor(op.inputs[2]).dtype == "INT16":
        return _lower_int16(graph, op)
    filt, inp, out = graph.tensor(op.inputs[1]), graph.tensor(op.inputs[2]), graph.tensor(op.outputs[0])
    batches, out_h, out_w, out_c = out.shape
    _, fh, fw, in_c = filt.shape
    pad_h, pad_w = padding(op, out_h, out_w, fh, fw)
    mults, shifts = quant.conv_multipliers(inp.quant.scale, filt.quant.scales, out.quant.scale, out_c)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="transpose_conv",
        params=(("batches", batches), ("in_h", inp.shape[1]), ("in_w", inp.shape[2]), ("in_c", in_c),
                ("out_h", out_h), ("out_w", out_w), ("out_c", out_c), ("filter_h", fh), ("filter_w", fw),
                ("stride_h", int(op.options["stride_h"])), ("stride_w", int(op.options["stride_w"])),
                ("pad_h", pad_h), ("pad_w", pad_w),
                ("input_offset", -inp.quant.zero_point), ("output_offset", out.quant.zero_point),
                ("filter", TensorRef(filt.id)),
                ("bias", TensorRef(op.inputs[3]) if _has_bias(op) else NullRef()),
                ("multipliers", ConstRef("multipliers")), ("shifts", ConstRef("shifts"))),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("multipliers", "int32_t", tuple(mults)), ConstArray("shifts", "int32_t", tuple(shifts))),
    )
