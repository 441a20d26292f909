"""CONV_2D: int8 NHWC, per-channel (or per-tensor) int8 weights, SAME/VALID, strides, dilation,
groups, fused activation. Streams output rows through scratch (overlap contract)."""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops.base import ConstArray, KernelCall
from mcugen.ops.common import bias_or_zeros, check_int8_io, check_spatial_weights, spatial_params

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
    batches, _, _, in_c = inp.shape
    _, out_h, out_w, out_c = out.shape
    _, fh, fw, fic = filt.shape
    params, consts = spatial_params(graph, op, fh, fw)
    folded = folded_bias(bias_or_zeros(graph, op, out_c), filt.array(), -inp.quant.zero_point)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="conv_2d",
        params=params + (("filter_in_c", fic),),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("bias_folded", "int32_t", folded),) + consts,
        scratch_bytes=scratch_bytes(out_w * out_c, fh, fw, fic, in_c),
        macs=batches * out_h * out_w * out_c * fh * fw * fic,
    )
