"""Helpers for the element-wise op modules: shared checks, the broadcast walk of the binary
kernels (ADD, SUB, MUL), and the KernelCall of the table-lookup kernels (LOGISTIC, TANH, LEAKY_RELU,
HARD_SWISH), whose 256-entry tables each op module computes with TFLM's exact integer arithmetic."""
from __future__ import annotations

from typing import Sequence

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import check_int8_io
from mcugen.ops.shapes import MAX_DIMS, broadcast_iteration, broadcast_shape

INT8_VALUES = range(-128, 128)


def check_unary(graph: Graph, op: Op) -> str | None:
    """One int8 per-tensor input, one int8 output of the same element count."""
    problem = check_int8_io(graph, op, n_inputs=(1,))
    if problem:
        return problem
    if graph.tensor(op.inputs[0]).num_elements != graph.tensor(op.outputs[0]).num_elements:
        return "input and output differ in size"
    return None


def table_call(graph: Graph, op: Op, table: Sequence[int]) -> KernelCall:
    """A call of the one LUT kernel (lut_s8): out[i] = table[in[i] + 128]. Any int8 -> int8
    element-wise op is its table, computed in its op module."""
    if len(table) != 256 or not all(-128 <= v <= 127 for v in table):
        raise ValueError(f"{op.kind}: a lookup table needs 256 int8 entries")
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="lut",
        params=(("size", graph.tensor(op.outputs[0]).num_elements), ("table", ConstRef("table"))),
        inputs=(op.inputs[0],), outputs=(op.outputs[0],),
        consts=(ConstArray("table", "int8_t", tuple(int(v) for v in table)),),
    )


def requantized_table_call(graph: Graph, op: Op, table_fn, *extra) -> KernelCall:
    """The LUT call of a unary op whose table depends on the input's and the output's scale and
    zero point: `table_fn(in_scale, in_zp, out_scale, out_zp, *extra)`."""
    qi, qo = graph.tensor(op.inputs[0]).quant, graph.tensor(op.outputs[0]).quant
    return table_call(graph, op, table_fn(qi.scale, qi.zero_point, qo.scale, qo.zero_point, *extra))


def clamp8(x: int) -> int:
    return max(-128, min(127, x))


def check_broadcast_io(graph: Graph, op: Op) -> str | None:
    """Two int8 per-tensor inputs whose shapes broadcast to the int8 output's."""
    problem = check_int8_io(graph, op, n_inputs=(2,), activation_inputs=2)
    if problem:
        return problem
    a, b, out = (graph.tensor(t).shape for t in (*op.inputs, op.outputs[0]))
    if broadcast_shape(a, b) != tuple(out):
        return f"shapes {list(a)} and {list(b)} do not broadcast to {list(out)}"
    return None


def check_binary(graph: Graph, op: Op) -> str | None:
    """check_broadcast_io, at most MAX_DIMS, broadcasting to 4-D (TFLM), a plain activation."""
    problem = check_broadcast_io(graph, op)
    if problem:
        return problem
    a, b, out = (graph.tensor(t).shape for t in (*op.inputs, op.outputs[0]))
    if len(out) > MAX_DIMS:
        return f"rank {len(out)} (at most {MAX_DIMS})"
    if tuple(a) != tuple(b) and len(out) > 4:
        return f"broadcasting in {len(out)}-D (TFLM aborts beyond 4-D)"
    if quant.fused_activation(op) not in quant.SUPPORTED_ACTIVATIONS:
        return f"fused activation {quant.fused_activation(op)}"
    return None


def binary_call(graph: Graph, op: Op, kernel: str, constants: Sequence[tuple[str, int]]) -> KernelCall:
    """The KernelCall of a binary element-wise kernel (ADD, SUB, MUL): the broadcast walk, the
    zero-point offsets, the op's own requantization `constants`, then the activation bounds."""
    t1, t2, out = (graph.tensor(t) for t in (*op.inputs, op.outputs[0]))
    walk, consts = broadcast_params(graph, op)
    act_min, act_max = quant.activation_range(quant.fused_activation(op), out)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel=kernel,
        params=(*walk,
                ("input1_offset", -t1.quant.zero_point), ("input2_offset", -t2.quant.zero_point),
                ("output_offset", out.quant.zero_point), *constants,
                ("act_min", act_min), ("act_max", act_max)),
        inputs=tuple(op.inputs), outputs=(out.id,), consts=consts,
    )


def broadcast_params(graph: Graph, op: Op) -> tuple[tuple, tuple]:
    """The (params, consts) describing the collapsed broadcast walk of a binary op."""
    a, b, out = (graph.tensor(t).shape for t in (*op.inputs, op.outputs[0]))
    dims, stride1, stride2 = broadcast_iteration(a, b, out)
    params = (("rank", len(dims)), ("dims", ConstRef("dims")),
              ("stride1", ConstRef("stride1")), ("stride2", ConstRef("stride2")))
    consts = (ConstArray("dims", "int32_t", dims), ConstArray("stride1", "int32_t", stride1),
              ConstArray("stride2", "int32_t", stride2))
    return params, consts
