"""Checks shared by op modules."""
from __future__ import annotations

from mcugen.ir import Graph, Op


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
            return f"tensor {t.name!r} is {t.dtype} (int8 only)"
        if t.quant is None:
            return f"tensor {t.name!r} is not quantized"
        if t.quant.per_channel:
            return f"tensor {t.name!r} has per-channel activations"
    return None


def check_spatial_weights(graph: Graph, op: Op) -> str | None:
    """CONV_2D / DEPTHWISE_CONV_2D: 4-D tensors, constant int8 filter, int32 bias, known options."""
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    if len(inp.shape) != 4 or len(out.shape) != 4:
        return "input and output must be 4-D (NHWC)"
    filt = graph.tensor(op.inputs[1]) if op.inputs[1] >= 0 else None
    if filt is None or filt.dtype != "INT8" or not filt.is_constant or filt.quant is None or len(filt.shape) != 4:
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
