"""Helpers for the element-wise op modules: shared checks and the KernelCall of the
table-lookup kernels (LOGISTIC, TANH, LEAKY_RELU, HARD_SWISH), whose 256-entry tables are
computed by each op module with TFLM's exact integer arithmetic."""
from __future__ import annotations

from typing import Sequence

from mcugen.ir import Graph, Op
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import check_int8_io

INT8_VALUES = range(-128, 128)


def check_unary(graph: Graph, op: Op) -> str | None:
    """One int8 per-tensor input, one int8 output of the same element count."""
    problem = check_int8_io(graph, op, n_inputs=(1,))
    if problem:
        return problem
    if graph.tensor(op.inputs[0]).num_elements != graph.tensor(op.outputs[0]).num_elements:
        return "input and output differ in size"
    return None


def table_call(graph: Graph, op: Op, kernel: str, table: Sequence[int]) -> KernelCall:
    """A LUT kernel call: out[i] = table[in[i] + 128]."""
    if len(table) != 256 or not all(-128 <= v <= 127 for v in table):
        raise ValueError(f"{kernel}: a lookup table needs 256 int8 entries")
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel=kernel,
        params=(("size", graph.tensor(op.outputs[0]).num_elements), ("table", ConstRef("table"))),
        inputs=(op.inputs[0],), outputs=(op.outputs[0],),
        consts=(ConstArray("table", "int8_t", tuple(int(v) for v in table)),),
    )


def clamp8(x: int) -> int:
    return max(-128, min(127, x))
