"""REDUCE_MAX and REDUCE_MIN, int8 over any axes, as TFLM computes them (reduce_common.cc,
EvalMaxHelper / ReduceGeneric): the raw int8 maximum (minimum) of each reduction window; TFLM
requires the output to keep the input's quantization, and mcugen refuses where it differs."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.builtin.mean import check as check_reduction, reduction_axes
from mcugen.ops.shapes import collapse, row_major_strides
from mcugen.ops.quant import f32

KINDS = ("REDUCE_MAX", "REDUCE_MIN")


def reduction_walk(graph: Graph, op: Op) -> tuple[tuple, tuple]:
    """(params, consts) of a reduction kernel's two walks: the kept dims over the outputs, the
    reduced ones within each output's window, each collapsed."""
    inp = graph.tensor(op.inputs[0])
    axes = sorted(reduction_axes(graph, op))
    shape, strides = list(inp.shape), row_major_strides(inp.shape)
    kept = [d for d in range(len(shape)) if d not in axes]
    kept_dims, kept_strides = collapse([shape[d] for d in kept], [strides[d] for d in kept])
    red_dims, red_strides = collapse([shape[d] for d in axes], [strides[d] for d in axes])
    params = (("outputs", graph.tensor(op.outputs[0]).num_elements),
              ("kept_rank", len(kept_dims)), ("kept_dims", ConstRef("kept_dims")),
              ("kept_strides", ConstRef("kept_strides")),
              ("reduced_rank", len(red_dims)), ("reduced_dims", ConstRef("reduced_dims")),
              ("reduced_strides", ConstRef("reduced_strides")))
    consts = (ConstArray("kept_dims", "int32_t", kept_dims),
              ConstArray("kept_strides", "int32_t", kept_strides),
              ConstArray("reduced_dims", "int32_t", red_dims),
              ConstArray("reduced_strides", "int32_t", red_strides))
    return params, consts


def check(graph: Graph, op: Op) -> str | None:
    problem = check_reduction(graph, op)
    if problem:
        return problem
    qi, qo = graph.tensor(op.inputs[0]).quant, graph.tensor(op.outputs[0]).quant
    if f32(qi.scale) != f32(qo.scale) or qi.zero_point != qo.zero_point:
        return "output quantization differs from the input's (TFLM requires them equal)"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    params, consts = reduction_walk(graph, op)
    return KernelCall(op_index=op.index, kind=op.kind, kernel="reduce_max_min",
                      params=(*params, ("is_max", int(op.kind == "REDUCE_MAX"))),
                      inputs=(op.inputs[0],), outputs=(op.outputs[0],), consts=consts)
