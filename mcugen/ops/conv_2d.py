"""CONV_2D: int8 NHWC, per-channel (or per-tensor) int8 weights, SAME/VALID, strides, dilation,
groups, fused activation. Streams output rows through scratch (overlap contract)."""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, ScratchRef, TensorRef
from mcugen.ops.common import check_int8_io, check_spatial_weights

KINDS = ("CONV_2D",)


def check(graph: Graph, op: Op) -> str | None:
    return check_int8_io(graph, op, n_inputs=(2, 3)) or check_spatial_weights(graph, op)


def folded_bias(bias: np.ndarray, filt: np.ndarray, input_offset: int) -> tuple[int, ...]:
    """bias + input_offset * sum of each output channel's weights (interior windows)."""
    sums = filt.reshape(filt.shape[0], -1).astype(np.int64).sum(axis=1)
    return tuple(int(v) for v in (bias.astype(np.int64) + input_offset * sums))


def scratch_bytes(row_bytes: int, fh: int, fw: int, fic: int, in_c: int) -> int:
    """One output row, plus the gathered input window unless it is a 1x1 ungrouped pixel."""
    direct = fh == 1 and fw == 1 and fic == in_c
    return row_bytes + (0 if direct else fh * fw * fic)


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
    act_min, act_max = quant.activation_range(quant.fused_activation(op), out)
    has_bias = len(op.inputs) > 2 and op.inputs[2] >= 0
    bias = graph.tensor(op.inputs[2]).array() if has_bias else np.zeros(out_c, np.int32)
    input_offset = -inp.quant.zero_point
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="conv_2d",
        params=(
            ("batches", batches), ("in_h", in_h), ("in_w", in_w), ("in_c", in_c),
            ("out_h", out_h), ("out_w", out_w), ("out_c", out_c),
            ("filter_h", fh), ("filter_w", fw), ("filter_in_c", fic),
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
        consts=(ConstArray("bias_folded", "int32_t", folded_bias(bias, filt.array(), input_offset)),
                ConstArray("multiplier", "int32_t", tuple(mults)),
                ConstArray("shift", "int8_t", tuple(shifts))),
        scratch_bytes=scratch_bytes(out_w * out_c, fh, fw, fic, in_c),
        macs=batches * out_h * out_w * out_c * fh * fw * fic,
    )
