"""PAD and PADV2, int8 or int16 (16x8 models, kernel pad_s16): copy into a larger tensor filled
with the pad value (TFLM pad.cc).

PAD fills with the output zero point; PADV2 with its constant, which TFLM requires to share the
output's quantization. Input values are copied as they are (TFLM does not requantize).
"""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import check_int8_io, label
from mcugen.ops.shapes import MAX_DIMS, row_major_strides

KINDS = ("PAD", "PADV2")
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)


def _paddings(graph: Graph, op: Op) -> list[tuple[int, int]] | None:
    pads = graph.tensor(op.inputs[1])
    if not pads.is_constant or pads.dtype not in ("INT32", "INT64"):
        return None
    values = [int(v) for v in pads.array().reshape(-1)]
    return [(values[2 * i], values[2 * i + 1]) for i in range(len(values) // 2)]


def _is_int16(graph: Graph, op: Op) -> bool:
    return bool(op.inputs) and op.inputs[0] >= 0 and graph.tensor(op.inputs[0]).dtype == "INT16"


def _check_int16_io(graph: Graph, op: Op) -> str | None:
    if len(op.inputs) not in ((2, 3) if op.kind == "PADV2" else (2,)) or len(op.outputs) != 1:
        return f"{len(op.inputs)} inputs, {len(op.outputs)} outputs"
    for t in (graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])):
        if t.dtype != "INT16" or t.quant is None or t.quant.per_channel:
            return f"tensor {label(t)} must be per-tensor quantized int16 (an int16 input needs an int16 output)"
    return None


def check(graph: Graph, op: Op) -> str | None:
    wide = _is_int16(graph, op)
    problem = (_check_int16_io(graph, op) if wide
               else check_int8_io(graph, op, n_inputs=(2, 3) if op.kind == "PADV2" else (2,)))
    if problem:
        return problem
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    pads = _paddings(graph, op)
    if pads is None or len(pads) != len(out.shape) or len(inp.shape) != len(out.shape):
        return "paddings must be a constant [rank, 2] tensor"
    if not 1 <= len(out.shape) <= MAX_DIMS:
        return f"rank {len(out.shape)} (1 to {MAX_DIMS})"
    if any(lo < 0 or hi < 0 for lo, hi in pads):
        return "negative padding"
    if any(i + lo + hi != o for i, (lo, hi), o in zip(inp.shape, pads, out.shape)):
        return "output shape does not match the paddings"
    if len(op.inputs) == 3 and op.inputs[2] >= 0:
        value = graph.tensor(op.inputs[2])
        dtype = "INT16" if wide else "INT8"
        if not value.is_constant or value.dtype != dtype or value.num_elements != 1:
            return f"PADV2 constant must be a constant {dtype.lower()} scalar"
        if (value.quant is None or value.quant.zero_point != out.quant.zero_point
                or value.quant.scale != out.quant.scale):
            return "PADV2 constant must share the output's quantization"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    pads = _paddings(graph, op)
    strides = row_major_strides(out.shape)
    pad_value = out.quant.zero_point
    if len(op.inputs) == 3 and op.inputs[2] >= 0:
        pad_value = int(graph.tensor(op.inputs[2]).array().reshape(-1)[0])
    first = sum(lo * s for (lo, _), s in zip(pads, strides))
    empty = inp.num_elements == 0
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="pad", type_suffix="s16" if inp.dtype == "INT16" else "s8",
        params=(("output_size", out.num_elements), ("pad_value", pad_value),
                ("rank", len(out.shape)), ("input_dims", ConstRef("input_dims")),
                ("output_strides", ConstRef("output_strides")), ("first", first)),
        inputs=(inp.id,), outputs=(out.id,),
        # an empty input copies nothing: one row of length 0
        consts=(ConstArray("input_dims", "int32_t", (0,) * len(inp.shape) if empty else inp.shape),
                ConstArray("output_strides", "int32_t", strides)),
    )
