"""Per-op statistics of an int8 graph: MACs, weight bytes, activation bytes, and model totals.

MACs follow the usual convention of the MLPerf Tiny papers: one multiply-accumulate per product
in a convolution or matrix product. Pools count one operation per window element, element-wise
ops one per output element, reductions one per input element; data movement (RESHAPE, PAD, ...)
counts zero.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from math import prod

from mcugen.ir import Graph, Op

_ELEMENTWISE = {
    "ADD", "SUB", "MUL", "DIV", "SQUARED_DIFFERENCE", "MAXIMUM", "MINIMUM",
    "RELU", "RELU6", "RELU_N1_TO_1", "RELU_0_TO_1", "LEAKY_RELU", "PRELU", "HARD_SWISH",
    "LOGISTIC", "TANH", "SOFTMAX", "LOG_SOFTMAX", "QUANTIZE", "DEQUANTIZE", "ABS", "NEG",
    "EXP", "LOG", "SQRT", "RSQRT", "SQUARE", "ELU", "GELU",
}
_REDUCTIONS = {"MEAN", "SUM", "REDUCE_MAX", "REDUCE_MIN", "REDUCE_PROD", "ARG_MAX", "ARG_MIN",
               "L2_NORMALIZATION"}
_POOLS = {"AVERAGE_POOL_2D", "MAX_POOL_2D", "L2_POOL_2D"}


@dataclass(frozen=True)
class OpStats:
    index: int
    kind: str
    version: int
    input_shapes: tuple[tuple[int, ...], ...]  # activation inputs only (weights are counted apart)
    output_shapes: tuple[tuple[int, ...], ...]
    macs: int
    weight_bytes: int  # constant inputs (weights, biases, shape tensors) of this op
    output_bytes: int


@dataclass(frozen=True)
class ModelStats:
    ops: tuple[OpStats, ...]
    op_counts: tuple[tuple[str, int], ...]  # (kind, count), most frequent first
    params: int  # elements of the constant tensors the ops use
    macs: int
    weight_bytes: int  # bytes of the constant tensors the ops use, each counted once
    largest_activation_bytes: int


def op_macs(graph: Graph, op: Op) -> int:
    """Multiply-accumulates of one op (see the module docstring for the convention)."""
    ins = graph.op_inputs(op)
    out = graph.op_outputs(op)[0] if op.outputs else None
    out_elems = out.num_elements if out is not None else 0
    kind = op.kind
    if kind == "CONV_2D" and ins[1] is not None:
        _, kh, kw, cin = ins[1].shape  # filter [O, kh, kw, I/groups]
        return out_elems * kh * kw * cin
    if kind == "DEPTHWISE_CONV_2D" and ins[1] is not None:
        _, kh, kw, _ = ins[1].shape  # filter [1, kh, kw, O]
        return out_elems * kh * kw
    if kind == "CONV_3D" and ins[1] is not None:
        kd, kh, kw, cin, _ = ins[1].shape
        return out_elems * kd * kh * kw * cin
    if kind == "TRANSPOSE_CONV" and ins[1] is not None and ins[2] is not None:
        cout, kh, kw, _ = ins[1].shape  # inputs: output_shape, weights, input
        return ins[2].num_elements * kh * kw * cout
    if kind == "FULLY_CONNECTED" and ins[1] is not None:
        return out_elems * ins[1].shape[-1]  # every output element is a dot product of length `in`
    if kind == "BATCH_MATMUL" and ins[0] is not None:
        k = ins[0].shape[-2] if op.options.get("adj_x") else ins[0].shape[-1]
        return out_elems * k
    if kind == "UNIDIRECTIONAL_SEQUENCE_LSTM" and ins[0] is not None and ins[0].shape:
        # per time step and batch row, every gate weight (input and recurrent), peephole and
        # projection weight is used once: inputs 1-11 and 16 (absent ones are -1)
        steps = ins[0].num_elements // max(ins[0].shape[-1], 1)
        used = [t for k, t in enumerate(ins) if (1 <= k <= 11 or k == 16) and t is not None]
        return steps * sum(t.num_elements for t in used)
    if kind == "SVDF" and len(ins) > 2 and ins[0] is not None and ins[1] is not None and ins[2] is not None:
        # feature weights [filters, input] then time weights [filters, memory], per batch row
        return ins[0].shape[0] * (ins[1].num_elements + ins[2].num_elements)
    if kind in _POOLS:
        return out_elems * int(op.options.get("filter_height", 1)) * int(op.options.get("filter_width", 1))
    if kind in _REDUCTIONS and ins[0] is not None:
        return ins[0].num_elements
    if kind in _ELEMENTWISE:
        return out_elems
    return 0


def op_stats(graph: Graph, op: Op) -> OpStats:
    ins = [t for t in graph.op_inputs(op) if t is not None]
    outs = graph.op_outputs(op)
    return OpStats(
        index=op.index,
        kind=op.kind,
        version=op.version,
        input_shapes=tuple(t.shape for t in ins if not t.is_constant),
        output_shapes=tuple(t.shape for t in outs),
        macs=op_macs(graph, op),
        weight_bytes=sum(t.nbytes for t in ins if t.is_constant),
        output_bytes=sum(t.nbytes for t in outs),
    )


def model_stats(graph: Graph) -> ModelStats:
    per_op = tuple(op_stats(graph, op) for op in graph.ops)
    constants = {tid for op in graph.ops for tid in op.inputs
                 if tid >= 0 and graph.tensors[tid].is_constant}
    activations = [graph.tensors[t].nbytes for t in graph.activation_ids]
    counts = Counter(op.kind for op in graph.ops)
    return ModelStats(
        ops=per_op,
        op_counts=tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
        params=sum(graph.tensors[t].num_elements for t in constants),
        macs=sum(s.macs for s in per_op),
        weight_bytes=sum(graph.tensors[t].nbytes for t in constants),
        largest_activation_bytes=max(activations, default=0),
    )


def shape_text(shape: tuple[int, ...]) -> str:
    return "x".join(str(d) for d in shape) if shape else "scalar"


def total_elements(shapes: tuple[tuple[int, ...], ...]) -> int:
    return sum(prod(s) for s in shapes)
