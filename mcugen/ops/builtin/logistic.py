"""LOGISTIC (sigmoid), int8 -> int8, as a 256-entry table of TFLM's fixed-point result.

TFLM (logistic_common.cc, reference_integer_ops::Logistic) rescales the input to Q4.27 with a
multiplier from frexp, saturates beyond a radius, evaluates gemmlowp::logistic and rounds the
Q0.31 result to the output's fixed 1/256 scale with zero point -128.
"""
from __future__ import annotations

import math
from typing import Callable

from mcugen.ir import Graph, Op
from mcugen.ops import sigmoid16
from mcugen.ops import fixedpoint as fp
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import INT8_VALUES, check_unary, clamp8, table_call
from mcugen.ops.quant import f32, tflite_round

KINDS = ("LOGISTIC",)
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)
INPUT_INTEGER_BITS = 4


def q4_input_params(input_scale: float) -> tuple[int, int, int]:
    """(multiplier, left shift, radius) rescaling int8 steps to Q4.27, as TFLM's Prepare."""
    real = f32(input_scale) * float(1 << (31 - INPUT_INTEGER_BITS))
    q, left_shift = math.frexp(real)
    multiplier = fp.wrap32(int(tflite_round(q * (1 << 31))))  # the C++ cast wraps 2^31
    radius = math.floor(1.0 * ((1 << INPUT_INTEGER_BITS) - 1) * (1 << (31 - INPUT_INTEGER_BITS))
                        / (1 << left_shift))
    return multiplier, left_shift, radius


def check_q4_scale(graph: Graph, op: Op) -> str | None:
    scale = graph.tensor(op.inputs[0]).quant.scale
    if not scale >= 2.0 ** -27:  # TFLM shifts by the frexp exponent, which must not go negative
        return f"input scale {scale:g} is too small for TFLM's fixed-point path"
    return None


def q4_table(input_scale: float, input_zero_point: int, of_q4: Callable[[int], int]) -> list[int]:
    """The 256-entry table of an int8 function TFLM evaluates on the input rescaled to Q4.27
    (LOGISTIC, TANH): -128 at or below -radius, 127 at or above it, else of_q4(the Q4.27 value)."""
    multiplier, left_shift, radius = q4_input_params(input_scale)
    table = []
    for q in INT8_VALUES:
        x = q - input_zero_point
        if x <= -radius:
            table.append(-128)
        elif x >= radius:
            table.append(127)
        else:
            table.append(of_q4(fp.multiply_by_quantized_multiplier(x, multiplier, left_shift)))
    return table


def logistic_table(input_scale: float, input_zero_point: int) -> list[int]:
    """Q0.31 logistic rounded to the output's 1/256 steps, zero point -128."""
    return q4_table(input_scale, input_zero_point,
                    lambda q4: clamp8(fp.rdbp(fp.logistic(q4, INPUT_INTEGER_BITS), 31 - 8) - 128))


def check(graph: Graph, op: Op) -> str | None:
    if sigmoid16.is_int16(graph, op):
        return sigmoid16.check(graph, op)
    problem = check_unary(graph, op) or check_q4_scale(graph, op)
    if problem:
        return problem
    if graph.tensor(op.outputs[0]).quant.zero_point != -128:
        return "output zero point must be -128 (TFLM's int8 logistic)"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    if sigmoid16.is_int16(graph, op):
        return sigmoid16.lower(graph, op)
    q = graph.tensor(op.inputs[0]).quant
    return table_call(graph, op, logistic_table(q.scale, q.zero_point))
