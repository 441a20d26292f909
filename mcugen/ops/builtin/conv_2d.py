"""CONV_2D: int8 NHWC (int16 for 16x8 models: mcugen/ops/conv_s16.py), per-channel (or per-tensor) int8 weights, SAME/VALID, strides, dilation,
groups, fused activation. Streams output rows through scratch (overlap contract)."""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import conv_s16
from mcugen.ops.base import ConstArray, KernelCall
from mcugen.ops.common import bias_or_zeros, check_int8_io, check_spatial_weights, spatial_params

KINDS = ("CONV_2D",)
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)


def check(graph: Graph, op: Op) -> str | None:
    if conv_s16.is_int16(graph, op):  # 16x8 models: mcugen/ops/conv_s16.py
        return conv_s16.check(graph, op)
    return check_int8_io(graph, op, n_inputs=(2, 3)) or check_spatial_weights(graph, op, int4=True)


def folded_bias(bias: np.ndarray, filt: np.ndarray, input_offset: int) -> tuple[int, ...]:
    """bias + input_offset * sum of each output channel's weights (`filt` [out_c, ...]; interior windows)."""
    sums = filt.reshape(filt.shape[0], -1).astype(np.int64).sum(axis=1)
    return tuple(int(v) for v in (bias.astype(np.int64) + input_offset * sums))


def scratch_bytes(row_bytes: int, fh: int, fw: int, fic: int, in_c: int) -> int:
    """One output row, plus the gathered input window unless it is a 1x1 ungrouped pixel."""
    direct = fh == 1 and fw == 1 and fic == in_c
    return row_bytes + (0 if direct else fh * fw * fic)


def lower_spatial(graph: Graph, op: Op, kernel: str, channel_axis: int, extra: tuple, scratch: int) -> KernelCall:
    """The KernelCall CONV_2D and DEPTHWISE_CONV_2D lower to alike: spatial_params, the op's own
    `extra` params and the `bias_folded` constant, from the weights of each output channel (along
    `channel_axis` of the filter); `scratch` bytes; MACs: every weight once per output pixel."""
    inp, filt, out = graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1]), graph.tensor(op.outputs[0])
    batches, out_h, out_w, out_c = out.shape
    _, fh, fw, _ = filt.shape
    params, consts = spatial_params(graph, op, fh, fw)
    weights = np.moveaxis(filt.array(), channel_axis, 0)
    folded = folded_bias(bias_or_zeros(graph, op, out_c), weights, -inp.quant.zero_point)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel=kernel,
        params=params + extra,
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("bias_folded", "int32_t", folded),) + consts,
        scratch_bytes=scratch,
    )


def lower(graph: Graph, op: Op) -> KernelCall:
    if conv_s16.is_int16(graph, op):
        return conv_s16.lower(graph, op)
    from mcugen.ops.int4 import as_s4, has_int4_filter  # INT4 filters: the packed conv_2d_s4 kernel
    call = _lower(graph, op)
    return as_s4(call) if has_int4_filter(graph, op) else call


def _lower(graph: Graph, op: Op) -> KernelCall:
    in_c, (_, _, out_w, out_c) = graph.tensor(op.inputs[0]).shape[3], graph.tensor(op.outputs[0]).shape
    _, fh, fw, fic = graph.tensor(op.inputs[1]).shape
    return lower_spatial(graph, op, "conv_2d", 0, (("filter_in_c", fic),),
                         scratch_bytes(out_w * out_c, fh, fw, fic, in_c))
