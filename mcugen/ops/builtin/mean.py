"""MEAN, int8 or int16 (16x8 models) over any axes, TFLM's reference arithmetic (reduce_common.cc, QuantizedMeanOrSum).

TFLM sums in int32, subtracts zero_point * count, and requantizes once with the input/output
multiplier into which it folds 1/count (shifting the multiplier left by floor(log2(count)) first,
then dividing). GlobalAveragePooling2D converts to MEAN over axes (1, 2), the common case.
"""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import check_int8_io, check_int16_io
from mcugen.ops.shapes import MAX_DIMS, collapse, row_major_strides

KINDS = ("MEAN",)
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)


def resolve_axes(axes: list[int], rank: int) -> list[int] | None:
    """TFLM's ResolveAxis: negative axes wrap, duplicates drop; None when out of range."""
    resolved: list[int] = []
    for a in axes:
        a = a + rank if a < 0 else a
        if not 0 <= a < rank:
            return None
        if a not in resolved:
            resolved.append(a)
    return resolved


def mean_multiplier(input_scale: float, output_scale: float, count: int) -> tuple[int, int]:
    """TFLM's multiplier and shift for a mean over `count` elements."""
    multiplier, shift = quant.quantize_multiplier(quant.f32(input_scale) / quant.f32(output_scale))
    extra = min(count.bit_length() - 1, 32, 31 + shift)
    return (multiplier << extra) // count, shift - extra


def reduction_axes(graph: Graph, op: Op) -> list[int] | None:
    axis = graph.tensor(op.inputs[1])
    if not axis.is_constant or axis.dtype != "INT32":
        return None
    return resolve_axes([int(v) for v in axis.array().reshape(-1)], len(graph.tensor(op.inputs[0]).shape))


def _int16(graph: Graph, op: Op) -> bool:
    return bool(op.inputs) and op.inputs[0] >= 0 and graph.tensor(op.inputs[0]).dtype == "INT16"


def _check_int16_io(graph: Graph, op: Op) -> str | None:
    if len(op.inputs) != 2 or len(op.outputs) != 1:
        return "needs an input, an axis and one output"
    return check_int16_io(graph, op, (op.inputs[0], op.outputs[0]))


def check(graph: Graph, op: Op) -> str | None:
    problem = _check_int16_io(graph, op) if _int16(graph, op) else check_int8_io(graph, op, n_inputs=(2,))
    if problem:
        return problem
    inp = graph.tensor(op.inputs[0])
    if len(inp.shape) > MAX_DIMS:
        return f"rank {len(inp.shape)} (at most {MAX_DIMS})"
    axes = reduction_axes(graph, op)
    if axes is None:
        return "axis must be a constant int32 tensor of valid axes"
    if inp.num_elements == 0 or not axes:
        return "empty input or no axis"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    axes = sorted(reduction_axes(graph, op))
    shape = list(inp.shape)
    strides = row_major_strides(inp.shape)
    kept = [d for d in range(len(shape)) if d not in axes]
    kept_dims, kept_strides = collapse([shape[d] for d in kept], [strides[d] for d in kept])
    red_dims, red_strides = collapse([shape[d] for d in axes], [strides[d] for d in axes])
    count = 1
    for d in axes:
        count *= shape[d]
    multiplier, shift = mean_multiplier(inp.quant.scale, out.quant.scale, count)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="mean", type_suffix="s16" if inp.dtype == "INT16" else "s8",
        params=(("outputs", out.num_elements),
                ("kept_rank", len(kept_dims)), ("kept_dims", ConstRef("kept_dims")),
                ("kept_strides", ConstRef("kept_strides")),
                ("reduced_rank", len(red_dims)), ("reduced_dims", ConstRef("reduced_dims")),
                ("reduced_strides", ConstRef("reduced_strides")),
                ("count", count), ("input_zero_point", inp.quant.zero_point),
                ("output_zero_point", out.quant.zero_point),
                ("multiplier", multiplier), ("shift", shift)),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("kept_dims", "int32_t", kept_dims),
                ConstArray("kept_strides", "int32_t", kept_strides),
                ConstArray("reduced_dims", "int32_t", red_dims),
                ConstArray("reduced_strides", "int32_t", red_strides)),
    )
