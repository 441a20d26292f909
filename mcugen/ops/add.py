"""ADD: int8 + int8 -> int8 with TFLite broadcasting and fused activation (TFLM arithmetic)."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import KernelCall
from mcugen.ops.common import check_int8_io

KINDS = ("ADD",)
LEFT_SHIFT = 20  # TFLM's headroom for int8 ADD


def broadcast_strides(in_shape: tuple[int, ...], out_shape: tuple[int, ...], rank: int = 6) -> list[int]:
    """Element strides of an input for each (left-padded) output dim; 0 where it broadcasts."""
    shape = [1] * (rank - len(in_shape)) + list(in_shape)
    out = [1] * (rank - len(out_shape)) + list(out_shape)
    strides, step = [0] * rank, 1
    for d in reversed(range(rank)):
        strides[d] = 0 if shape[d] == 1 and out[d] != 1 else step
        step *= shape[d]
    return strides


def check(graph: Graph, op: Op) -> str | None:
    problem = check_int8_io(graph, op, n_inputs=(2,), activation_inputs=2)
    if problem:
        return problem
    a, b, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    if max(len(a.shape), len(b.shape), len(out.shape)) > 6:
        return "more than 6 dimensions"
    for t in (a, b):
        padded = [1] * (len(out.shape) - len(t.shape)) + list(t.shape)
        if len(padded) != len(out.shape) or any(d not in (1, o) for d, o in zip(padded, out.shape)):
            return f"shape {t.shape} does not broadcast to {out.shape}"
    if quant.fused_activation(op) not in quant.SUPPORTED_ACTIVATIONS:
        return f"fused activation {quant.fused_activation(op)}"
    if a.shape != b.shape and len(out.shape) > 4:
        return f"broadcasting in {len(out.shape)}-D (TFLM aborts beyond 4-D)"
    twice_max = 2 * max(quant.f32(a.quant.scale), quant.f32(b.quant.scale))
    if quant.quantize_multiplier(twice_max / ((1 << LEFT_SHIFT) * quant.f32(out.quant.scale)))[1] > 0:
        # TFLM's QuantizeMultiplierSmallerThanOneExp aborts on it (a degenerate output scale)
        return "output scale below the inputs' / 2^19 (TFLM rejects it too)"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    a, b, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    twice_max = 2 * max(quant.f32(a.quant.scale), quant.f32(b.quant.scale))
    m1, s1 = quant.quantize_multiplier(quant.f32(a.quant.scale) / twice_max)
    m2, s2 = quant.quantize_multiplier(quant.f32(b.quant.scale) / twice_max)
    mo, so = quant.quantize_multiplier(twice_max / ((1 << LEFT_SHIFT) * quant.f32(out.quant.scale)))
    act_min, act_max = quant.activation_range(quant.fused_activation(op), out)
    broadcast = a.shape != b.shape or a.num_elements != out.num_elements
    dims = [1] * (6 - len(out.shape)) + list(out.shape)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="add",
        params=(
            ("size", out.num_elements), ("broadcast", int(broadcast)),
            ("dims", tuple(dims)),
            ("strides1", tuple(broadcast_strides(a.shape, out.shape))),
            ("strides2", tuple(broadcast_strides(b.shape, out.shape))),
            ("input1_offset", -a.quant.zero_point), ("input2_offset", -b.quant.zero_point),
            ("output_offset", out.quant.zero_point), ("left_shift", LEFT_SHIFT),
            ("input1_multiplier", m1), ("input1_shift", s1),
            ("input2_multiplier", m2), ("input2_shift", s2),
            ("output_multiplier", mo), ("output_shift", so),
            ("act_min", act_min), ("act_max", act_max),
        ),
        inputs=(a.id, b.id), outputs=(out.id,),
    )
