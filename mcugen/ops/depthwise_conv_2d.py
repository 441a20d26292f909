"""DEPTHWISE_CONV_2D: int8 NHWC, per-channel int8 weights, any depth multiplier, SAME/VALID,
strides, dilation, fused activation. Streams output rows through scratch."""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops.base import ConstArray, KernelCall
from mcugen.ops.common import bias_or_zeros, check_int8_io, check_spatial_weights, spatial_params

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
    batches, _, _, in_c = inp.shape
    _, out_h, out_w, out_c = out.shape
    _, fh, fw, _ = filt.shape
    params, consts = spatial_params(graph, op, fh, fw)
    tap_sums = filt.array().astype(np.int64).reshape(-1, out_c).sum(axis=0)
    bias = bias_or_zeros(graph, op, out_c)
    folded = tuple(int(v) for v in bias.astype(np.int64) - inp.quant.zero_point * tap_sums)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="depthwise_conv_2d",
        params=params + (("depth_multiplier", out_c // in_c),),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("bias_folded", "int32_t", folded),) + consts,
        scratch_bytes=out_w * out_c,
        macs=batches * out_h * out_w * out_c * fh * fw,
    )
