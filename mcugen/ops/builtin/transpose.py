"""TRANSPOSE, int8 (TFLM transpose.cc): 1-D to 5-D, a constant int32 permutation; the output
reads the input through permuted strides (the strided_copy kernel)."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall
from mcugen.ops.strided import check_data_io, permuted, strided_call

KINDS = ("TRANSPOSE",)
MAX_RANK = 5  # TFLM: "Transpose op only supports 1D-5D input arrays"


def _perm(graph: Graph, op: Op) -> tuple[int, ...] | None:
    t = graph.tensor(op.inputs[1]) if len(op.inputs) > 1 and op.inputs[1] >= 0 else None
    if t is None or not t.is_constant or t.dtype != "INT32" or len(t.shape) != 1:
        return None
    return tuple(int(v) for v in t.array().reshape(-1))


def check(graph: Graph, op: Op) -> str | None:
    problem = check_data_io(graph, op, (2,))
    if problem:
        return problem
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    if not 1 <= len(inp.shape) <= MAX_RANK:
        return f"rank {len(inp.shape)} (1 to {MAX_RANK})"
    perm = _perm(graph, op)
    if perm is None:
        return "the permutation must be a constant 1-D int32 tensor"
    if sorted(perm) != list(range(len(inp.shape))):
        return f"{list(perm)} is not a permutation of the {len(inp.shape)} dims"
    if permuted(inp.shape, perm).dims != tuple(out.shape):
        return "output shape does not match the permutation"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    inp = graph.tensor(op.inputs[0])
    return strided_call(graph, op, inp.id, [permuted(inp.shape, _perm(graph, op))])
