"""TANH, int8 -> int8, as a 256-entry table of TFLM's fixed-point result.

Same input rescaling as LOGISTIC (Q4.27, frexp multiplier, saturation radius), then
gemmlowp::tanh, rounded to the output's fixed 1/128 scale with zero point 0.
"""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import fixedpoint as fp
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import INT8_VALUES, check_unary, clamp8, table_call
from mcugen.ops.logistic import INPUT_INTEGER_BITS, check_q4_scale, q4_input_params

KINDS = ("TANH",)


def tanh_table(input_scale: float, input_zero_point: int) -> list[int]:
    multiplier, left_shift, radius = q4_input_params(input_scale)
    table = []
    for q in INT8_VALUES:
        x = q - input_zero_point
        if x <= -radius:
            table.append(-128)
        elif x >= radius:
            table.append(127)
        else:
            q4 = fp.multiply_by_quantized_multiplier(x, multiplier, left_shift)
            table.append(clamp8(fp.rdbp(fp.tanh(q4, INPUT_INTEGER_BITS), 31 - 7)))
    return table


def check(graph: Graph, op: Op) -> str | None:
    return check_unary(graph, op) or check_q4_scale(graph, op)


def lower(graph: Graph, op: Op) -> KernelCall:
    q = graph.tensor(op.inputs[0]).quant
    return table_call(graph, op, tanh_table(q.scale, q.zero_point))
