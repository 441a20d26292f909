"""TANH, int8 -> int8, as a 256-entry table of TFLM's fixed-point result.

Same input rescaling as LOGISTIC (Q4.27, frexp multiplier, saturation radius), then
gemmlowp::tanh, rounded to the output's fixed 1/128 scale with zero point 0.
"""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import sigmoid16
from mcugen.ops import fixedpoint as fp
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import check_unary, clamp8, table_call
from mcugen.ops.builtin.logistic import INPUT_INTEGER_BITS, check_q4_scale, q4_table

KINDS = ("TANH",)
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)


def tanh_table(input_scale: float, input_zero_point: int) -> list[int]:
    """Q0.31 tanh rounded to the output's 1/128 steps, zero point 0."""
    return q4_table(input_scale, input_zero_point,
                    lambda q4: clamp8(fp.rdbp(fp.tanh(q4, INPUT_INTEGER_BITS), 31 - 7)))


def check(graph: Graph, op: Op) -> str | None:
    if sigmoid16.is_int16(graph, op):
        return sigmoid16.check(graph, op)
    return check_unary(graph, op) or check_q4_scale(graph, op)


def lower(graph: Graph, op: Op) -> KernelCall:
    if sigmoid16.is_int16(graph, op):
        return sigmoid16.lower(graph, op)
    q = graph.tensor(op.inputs[0]).quant
    return table_call(graph, op, tanh_table(q.scale, q.zero_point))
