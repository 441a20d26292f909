"""DEPTHWISE_CONV_2D: int8 NHWC, per-channel int8 weights, any depth multiplier, SAME/VALID,
strides, dilation, fused activation. Streams output rows through scratch. int16 activations (16x8
models, int64 bias) run on the int16 convolution kernel, one group per input channel
(mcugen/ops/conv_s16.py)."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import conv_s16
from mcugen.ops.base import KernelCall
from mcugen.ops.common import check_int8_io, check_spatial_weights
from mcugen.ops.builtin.conv_2d import lower_spatial

KINDS = ("DEPTHWISE_CONV_2D",)
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)


def check(graph: Graph, op: Op) -> str | None:
    if conv_s16.is_int16(graph, op):
        problem = conv_s16.check_depthwise(graph, op)
    else:
        problem = check_int8_io(graph, op, n_inputs=(2, 3)) or check_spatial_weights(graph, op, int4=True)
    if problem:
        return problem
    inp, filt, out = graph.tensor(op.inputs[0]), graph.tensor(op.inputs[1]), graph.tensor(op.outputs[0])
    if filt.shape[0] != 1 or filt.shape[3] != out.shape[3] or out.shape[3] % inp.shape[3] != 0:
        return f"weights {filt.shape} do not fit input {inp.shape} / output {out.shape}"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    if conv_s16.is_int16(graph, op):
        return conv_s16.lower_depthwise(graph, op)
    from mcugen.ops.int4 import as_s4, has_int4_filter  # INT4 filters: the packed depthwise_conv_2d_s4
    call = _lower(graph, op)
    return as_s4(call) if has_int4_filter(graph, op) else call


def _lower(graph: Graph, op: Op) -> KernelCall:
    """Like CONV_2D (lower_spatial): the output channels are the filter's last axis; scratch is one
    output row."""
    in_c, (_, _, out_w, out_c) = graph.tensor(op.inputs[0]).shape[3], graph.tensor(op.outputs[0]).shape
    return lower_spatial(graph, op, "depthwise_conv_2d", 3, (("depth_multiplier", out_c // in_c),), out_w * out_c)
