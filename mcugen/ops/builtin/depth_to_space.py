"""DEPTH_TO_SPACE and SPACE_TO_DEPTH, int8 (TFLM depth_to_space.cc, space_to_depth.cc): 4-D NHWC,
block b. Both are a fixed permutation of (n, h, by, w, bx, c), so the strided_copy kernel reads
them through six input strides; values are copied as they are."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall
from mcugen.ops.strided import Part, check_data_io, strided_call

KINDS = ("DEPTH_TO_SPACE", "SPACE_TO_DEPTH")


def _part(graph: Graph, op: Op) -> Part:
    """Output element order (n, h, by, w, bx, c) for DEPTH_TO_SPACE, (n, h, w, by, bx, c) for
    SPACE_TO_DEPTH, with the input strides each index steps."""
    n, h, w, c = graph.tensor(op.inputs[0]).shape
    b = int(op.options.get("block_size", 0))
    if op.kind == "DEPTH_TO_SPACE":
        co = c // (b * b)  # input channel (by * b + bx) * co + ci
        return Part((n, h, b, w, b, co), (h * w * c, w * c, b * co, c, co, 1))
    return Part((n, h // b, w // b, b, b, c), (h * w * c, b * w * c, b * c, w * c, c, 1))


def check(graph: Graph, op: Op) -> str | None:
    problem = check_data_io(graph, op, (1,))
    if problem:
        return problem
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    if len(inp.shape) != 4 or len(out.shape) != 4:
        return "input and output must be 4-D (NHWC)"
    b = int(op.options.get("block_size", 0))
    if b < 1:
        return f"block size {b}"
    n, h, w, c = inp.shape
    if op.kind == "DEPTH_TO_SPACE":
        want = (n, h * b, w * b, c // (b * b)) if c % (b * b) == 0 else None
    else:
        want = (n, h // b, w // b, c * b * b) if h % b == 0 and w % b == 0 else None
    if want != tuple(out.shape):
        return f"shapes {list(inp.shape)} -> {list(out.shape)} do not fit block size {b}"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    return strided_call(graph, op, op.inputs[0], [_part(graph, op)])
