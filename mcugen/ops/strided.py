"""The strided-copy lowering the pure data-movement ops share (`strided_copy` kernel): each
output written row-major, reading the input at a start plus one stride per output dim.

An op module only says, per output, which input element each output index reads (`Part`:
extents, input element strides, start); here those are collapsed (fewer loop levels, any rank
within the kernel's six dims) and padded to one rank for the kernel's flat arrays.
"""
from __future__ import annotations

from dataclasses import dataclass

from mcugen.ir import Graph, Op
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import label
from mcugen.ops.shapes import MAX_DIMS, collapse, row_major_strides


@dataclass(frozen=True)
class Part:
    """One output: element (i_0, .., i_n) reads input element start + sum(i_d * strides[d])."""

    dims: tuple[int, ...]
    strides: tuple[int, ...]
    start: int = 0


def permuted(shape: tuple[int, ...], perm: tuple[int, ...]) -> Part:
    """The output of moving input dim perm[d] to place d (TRANSPOSE)."""
    strides = row_major_strides(shape)
    return Part(tuple(shape[p] for p in perm), tuple(strides[p] for p in perm))


def check_data_io(graph: Graph, op: Op, n_inputs: tuple[int, ...], data: tuple[int, ...] = (0,),
                  one_output: bool = True, dtypes: tuple[str, ...] = ("INT8",)) -> str | None:
    """The op's operand counts, and its data tensors (inputs at positions `data`, every output)
    int8 (or one of `dtypes`, all alike): these kernels move elements and never requantize, as
    TFLM's do not."""
    if len(op.inputs) not in n_inputs:
        return f"{len(op.inputs)} inputs ({' or '.join(map(str, n_inputs))} expected)"
    if not op.outputs or (one_output and len(op.outputs) != 1):
        return f"{len(op.outputs)} outputs"
    for tid in (*(op.inputs[i] for i in data), *op.outputs):
        if tid < 0:
            return "missing input"
        t = graph.tensor(tid)
        if t.dtype not in dtypes:
            return f"tensor {label(t)} is {t.dtype} ({' or '.join(d.lower() for d in dtypes)} only)"
        if t.dtype != graph.tensor(op.outputs[0]).dtype:
            return f"tensor {label(t)} is {t.dtype}, the output {graph.tensor(op.outputs[0]).dtype}"
    return None


def constant_ints(graph: Graph, op: Op, position: int) -> tuple[int, ...] | None:
    """A constant int32/int64 operand's values, or None when it is absent or computed at run time."""
    if position >= len(op.inputs) or op.inputs[position] < 0:
        return None
    t = graph.tensor(op.inputs[position])
    if not t.is_constant or t.dtype not in ("INT32", "INT64"):
        return None
    return tuple(int(v) for v in t.array().reshape(-1))


def is_prefix(part: Part) -> bool:
    """Whether `part` reads the input's first elements in order (its output may be a view)."""
    dims, strides = collapse(list(part.dims), list(part.strides))
    return part.start == 0 and 0 not in part.dims and (strides == (1,) or dims == (1,))


def strided_call(graph: Graph, op: Op, data: int, parts: list[Part], view: bool = False) -> KernelCall:
    """The strided_copy call writing `parts[k]` to op.outputs[k] from input tensor `data`; a
    `view` call has no code when the plan puts its one output on the input's first bytes."""
    collapsed = []
    for part in parts:
        dims, strides = collapse(list(part.dims), list(part.strides))
        if 0 in part.dims:  # an empty output copies nothing
            dims, strides = (0,), (0,)
        collapsed.append((dims, strides))
    rank = max(len(d) for d, _ in collapsed)
    if rank > MAX_DIMS:  # callers keep to 6 dims before collapsing
        raise ValueError(f"{op.kind}: {rank} dims after collapsing")
    flat_dims: list[int] = []
    flat_strides: list[int] = []
    for dims, strides in collapsed:
        flat_dims += [1] * (rank - len(dims)) + list(dims)
        flat_strides += [0] * (rank - len(strides)) + list(strides)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="strided_copy",
        type_suffix="s16" if graph.tensor(data).dtype == "INT16" else "s8",  # element width
        params=(("num_outputs", len(parts)), ("rank", rank), ("dims", ConstRef("dims")),
                ("strides", ConstRef("strides")), ("starts", ConstRef("starts"))),
        inputs=(data,), outputs=tuple(op.outputs),
        consts=(ConstArray("dims", "int32_t", tuple(flat_dims)),
                ConstArray("strides", "int32_t", tuple(flat_strides)),
                ConstArray("starts", "int32_t", tuple(p.start for p in parts))),
        view=view,
    )
