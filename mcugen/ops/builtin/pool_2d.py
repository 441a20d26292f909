"""AVERAGE_POOL_2D and MAX_POOL_2D: int8 or int16 NHWC windows, SAME/VALID, strides, fused
activation. The int8 kernels stream output rows through scratch (overlap contract); the int16
ones (16x8 models) write the output directly."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import KernelCall, ScratchRef
from mcugen.ops.common import check_int8_io, check_int16_io

KINDS = ("AVERAGE_POOL_2D", "MAX_POOL_2D")
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)


def check(graph: Graph, op: Op) -> str | None:
    problem = _check_int16_io(graph, op) if _is_int16(graph, op) else check_int8_io(graph, op)
    if problem:
        return problem
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    if abs(inp.quant.scale - out.quant.scale) > 1e-6 or inp.quant.zero_point != out.quant.zero_point:
        return "input and output quantization differ (tflite-micro's pooling requires them equal)"
    if len(inp.shape) != 4 or len(out.shape) != 4 or inp.shape[3] != out.shape[3]:
        return "input and output must be 4-D NHWC with equal channels"
    if op.options.get("padding", "VALID") not in ("SAME", "VALID"):
        return f"padding {op.options.get('padding')}"
    if quant.fused_activation(op) not in quant.SUPPORTED_ACTIVATIONS:
        return f"fused activation {quant.fused_activation(op)}"
    return None


def _is_int16(graph: Graph, op: Op) -> bool:
    return bool(op.inputs) and op.inputs[0] >= 0 and graph.tensor(op.inputs[0]).dtype == "INT16"


def _check_int16_io(graph: Graph, op: Op) -> str | None:
    if len(op.inputs) != 1 or len(op.outputs) != 1:
        return "needs one input and one output"
    return check_int16_io(graph, op, (op.inputs[0], op.outputs[0]))


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    wide = inp.dtype == "INT16"
    o = op.options
    batches, in_h, in_w, channels = inp.shape
    _, out_h, out_w, _ = out.shape
    fh, fw = int(o["filter_height"]), int(o["filter_width"])
    sh, sw = int(o.get("stride_h", 1)), int(o.get("stride_w", 1))
    padding = str(o.get("padding", "VALID"))
    pad_top = quant.pad_before(padding, in_h, fh, sh, 1, quant.out_size(padding, in_h, fh, sh))
    pad_left = quant.pad_before(padding, in_w, fw, sw, 1, quant.out_size(padding, in_w, fw, sw))
    limits = (quant.INT16_MIN, quant.INT16_MAX) if wide else (quant.INT8_MIN, quant.INT8_MAX)
    act_min, act_max = quant.activation_range(quant.fused_activation(op), out, *limits)
    params = (
        ("batches", batches), ("in_h", in_h), ("in_w", in_w), ("channels", channels),
        ("out_h", out_h), ("out_w", out_w), ("filter_h", fh), ("filter_w", fw),
        ("stride_h", sh), ("stride_w", sw), ("pad_top", pad_top), ("pad_left", pad_left),
        ("act_min", act_min), ("act_max", act_max),
    )
    if wide:
        return KernelCall(op_index=op.index, kind=op.kind, kernel=op.kind.lower(), params=params,
                          inputs=(inp.id,), outputs=(out.id,), type_suffix="s16")
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel=op.kind.lower(),
        params=(*params, ("scratch", ScratchRef())),
        inputs=(inp.id,), outputs=(out.id,),
        scratch_bytes=out_w * channels,
    )
