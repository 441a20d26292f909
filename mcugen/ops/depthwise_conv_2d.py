"""DEPTHWISE_CONV_2D: int8 NHWC, per-channel int8 weights, any depth multiplier, SAME/VALID,
strides, dilation, fused activation. Streams output rows through scratch."""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, ScratchRef, TensorRef
from mcugen.ops.common import check_int8_io, check_spatial_weights

KINDS = ("DEPTHWISE_CONV_2D",)


def check(graph: Graph, op: Op) -> str | None:
    problem = check_int8_io(graph, op, n_inputs=(2, 3)) or check_spatial_weights(graph, op)
    if problem:
        return problem
    inp, filt, out = graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1]), graph.tensor(op.outputs[0])
    if filt.shape[0] != 1 or filt.shape[3] != out.shape[3] or out.shape[3] % inp.shape[3] != 0:
        return f"weights {filt.shape} do not fit input {inp.shape} / output {out.shape}"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, filt, out = graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1]), graph.tensor(op.outputs[0])
    o = op.options
    batches, in_h, in_w, in_c = inp.shape
    _, out_h, out_w, out_c = out.shape
    _, fh, fw, _ = filt.shape
    sh, sw = int(o.get("stride_h", 1)), int(o.get("stride_w", 1))
    dh, dw = int(o.get("dilation_h_factor", 1)), int(o.get("dilation_w_factor", 1))
    padding = str(o.get("padding", "VALID"))
    pad_top = quant.pad_before(padding, in_h, fh, sh, dh, quant.out_size(padding, in_h, fh, sh, dh))
    pad_left = quant.pad_before(padding, in_w, fw, sw, dw, quant.out_size(padding, in_w, fw, sw, dw))
    mults, shifts = quant.conv_multipliers(inp.quant.scale, filt.quant.scales, out.quant.scale, out_c)
    act_min, act_max = quant.activation_range(quant.fused_activation(op), out)
    has_bias = len(op.inputs) > 2 and op.inputs[2] >= 0
    bias = graph.tensor(op.inputs[2]).array() if has_bias else np.zeros(out_c, np.int32)
    input_offset = -inp.quant.zero_point
    tap_sums = filt.array().astype(np.int64).reshape(-1, out_c).sum(axis=0)
    folded = tuple(int(v) for v in bias.astype(np.int64) + input_offset * tap_sums)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="depthwise_conv_2d",
        params=(
            ("batches", batches), ("in_h", in_h), ("in_w", in_w), ("in_c", in_c),
            ("out_h", out_h), ("out_w", out_w), ("out_c", out_c),
            ("depth_multiplier", out_c // in_c),
            ("filter_h", fh), ("filter_w", fw),
            ("stride_h", sh), ("stride_w", sw), ("dilation_h", dh), ("dilation_w", dw),
            ("pad_top", pad_top), ("pad_left", pad_left),
            ("input_offset", input_offset), ("output_offset", out.quant.zero_point),
            ("act_min", act_min), ("act_max", act_max),
            ("filter", TensorRef(filt.id)),
            ("bias_folded", ConstRef("bias_folded")),
            ("multiplier", ConstRef("multiplier")), ("shift", ConstRef("shift")),
            ("scratch", ScratchRef()),
        ),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("bias_folded", "int32_t", folded),
                ConstArray("multiplier", "int32_t", tuple(mults)),
                ConstArray("shift", "int8_t", tuple(shifts))),
        scratch_bytes=out_w * out_c,
        macs=batches * out_h * out_w * out_c * fh * fw,
    )
