"""CONCATENATION, int8 or int16 (16x8 models). TFLM requires every input to share the output's scale and zero point
(no requantization), so the kernel interleaves elements: per step of the dims before the axis, each
input contributes one contiguous chunk."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import check_int8_io, check_int16_io, label

KINDS = ("CONCATENATION",)
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)
MAX_INPUTS = 10  # TFLM's kMaxInputNum


def _axis(graph: Graph, op: Op) -> int:
    axis = int(op.options.get("axis", 0))
    return axis + len(graph.tensor(op.outputs[0]).shape) if axis < 0 else axis


def check(graph: Graph, op: Op) -> str | None:
    n = len(op.inputs)
    problem = check_int8_io(graph, op, n_inputs=tuple(range(1, MAX_INPUTS + 1)), activation_inputs=n)
    if problem and _int16(graph, op):
        problem = _check_int16_io(graph, op)
    if problem:
        return problem
    out = graph.tensor(op.outputs[0])
    if quant.fused_activation(op) != "NONE":
        return f"fused activation {quant.fused_activation(op)}"
    axis = _axis(graph, op)
    if not 0 <= axis < len(out.shape):
        return f"axis {op.options.get('axis')} out of range"
    total = 0
    for tid in op.inputs:
        t = graph.tensor(tid)
        if len(t.shape) != len(out.shape) or any(
                a != b for d, (a, b) in enumerate(zip(t.shape, out.shape)) if d != axis):
            return f"input {label(t)} of shape {list(t.shape)} does not fit {list(out.shape)}"
        if t.quant.scale != out.quant.scale or t.quant.zero_point != out.quant.zero_point:
            return f"input {label(t)} is quantized differently from the output (TFLM requires equal)"
        total += t.shape[axis]
    if total != out.shape[axis]:
        return "input sizes along the axis do not add up to the output's"
    return None


def _int16(graph: Graph, op: Op) -> bool:
    return bool(op.outputs) and graph.tensor(op.outputs[0]).dtype == "INT16"


def _check_int16_io(graph: Graph, op: Op) -> str | None:
    if not 1 <= len(op.inputs) <= MAX_INPUTS or len(op.outputs) != 1:
        return f"{len(op.inputs)} inputs, {len(op.outputs)} outputs"
    return check_int16_io(graph, op, (*op.inputs, *op.outputs))


def lower(graph: Graph, op: Op) -> KernelCall:
    out = graph.tensor(op.outputs[0])
    axis = _axis(graph, op)
    outer = 1
    for d in out.shape[:axis]:
        outer *= d
    chunks = tuple(graph.tensor(t).num_elements // outer if outer else 0 for t in op.inputs)
    if out.dtype == "INT16":
        return KernelCall(
            op_index=op.index, kind=op.kind, kernel="concatenation", type_suffix="s16",
            params=(("num_inputs", len(op.inputs)), ("outer", outer),
                    ("chunk_elements", ConstRef("chunk_elements"))),
            inputs=tuple(op.inputs), outputs=(out.id,),
            consts=(ConstArray("chunk_elements", "int32_t", chunks),),
        )
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="concatenation",
        params=(("num_inputs", len(op.inputs)), ("outer", outer), ("chunk_bytes", ConstRef("chunk_bytes"))),
        inputs=tuple(op.inputs), outputs=(out.id,),
        consts=(ConstArray("chunk_bytes", "int32_t", chunks),),
    )
