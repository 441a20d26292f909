"""MIRROR_PAD, int8 (TFLM mirror_pad.cc): REFLECT (the edge not repeated) and SYMMETRIC (repeated).
TFLM maps each output index to an input index dim by dim (GetInputDimension); here that map
runs once per dim into a table of input element offsets for the kernel. Pads so wide that the
map leaves the input (TFLM then reads out of bounds) are refused."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.shapes import MAX_DIMS, row_major_strides
from mcugen.ops.strided import check_data_io, constant_ints

KINDS = ("MIRROR_PAD",)


def _input_index(o: int, left: int, size: int, offset: int) -> int:
    """TFLM's GetInputDimension: output index `o` of a dim padded by `left` before it."""
    if o < left:
        original = left + offset - 1
        return original - min(o, original - offset)
    o -= left
    if o >= size:
        o -= size
        original = size - (1 + offset)
        return original - min(o, original)
    return o


def _tables(graph: Graph, op: Op) -> list[list[int]] | str:
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    pads = constant_ints(graph, op, 1)
    rank = len(inp.shape)
    if pads is None or len(pads) != 2 * rank or len(graph.tensor(op.inputs[1]).shape) != 2:
        return "paddings must be a constant [rank, 2] int32 or int64 tensor"
    if len(out.shape) != rank or not 1 <= rank <= MAX_DIMS:
        return f"rank {rank} (1 to {MAX_DIMS}, output of the same rank)"
    offset = 1 if op.options.get("mode", "REFLECT") == "REFLECT" else 0
    strides = row_major_strides(inp.shape)
    tables = []
    for d, (size, n_out) in enumerate(zip(inp.shape, out.shape)):
        left, right = pads[2 * d], pads[2 * d + 1]
        if left < 0 or right < 0 or size + left + right != n_out:
            return f"paddings {left}, {right} of dim {d} do not give the output's {n_out}"
        index = [_input_index(o, left, size, offset) for o in range(n_out)]
        if any(not 0 <= i < size for i in index):
            return (f"padding {max(left, right)} too wide for dim {d} of size {size} "
                    f"({op.options.get('mode', 'REFLECT')}; TFLM reads outside the input)")
        tables.append([i * strides[d] for i in index])
    return tables


def check(graph: Graph, op: Op) -> str | None:
    problem = check_data_io(graph, op, (2,))
    if problem:
        return problem
    if op.options.get("mode", "REFLECT") not in ("REFLECT", "SYMMETRIC"):
        return f"mode {op.options.get('mode')}"
    found = _tables(graph, op)
    return found if isinstance(found, str) else None


def lower(graph: Graph, op: Op) -> KernelCall:
    tables = _tables(graph, op)
    out = graph.tensor(op.outputs[0])
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="mirror_pad",
        params=(("rank", len(out.shape)), ("dims", ConstRef("dims")), ("offsets", ConstRef("offsets"))),
        inputs=(op.inputs[0],), outputs=(out.id,),
        consts=(ConstArray("dims", "int32_t", tuple(out.shape)),
                ConstArray("offsets", "int32_t", tuple(v for t in tables for v in t))),
    )
