"""RSQRT, int8 -> int8, as a 256-entry table of TFLM's fixed-point result.

TFLM (elementwise.cc, RsqrtEvalQuantized): x = q - input zero point; x == 0 gives 127; else
1/sqrt(x) from GetInvSqrtQuantizedMultiplierExp (gemmlowp Newton-Raphson in Q3.28) applied to 1
with 20 extra bits, then requantized by 1 / (sqrt(input scale) * output scale) (double) with the
20 bits taken back, plus the output zero point, saturated. For q below the input zero point TFLM
fails the whole invocation ("only defined for positive values"); there the table holds 127 (no
model with such inputs runs under tflite-micro, so nothing is compared).
"""
from __future__ import annotations

import math

from mcugen.ir import Graph, Op
from mcugen.ops import fixedpoint as fp
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import INT8_VALUES, check_unary, clamp8, requantized_table_call
from mcugen.ops.quant import f32, quantize_multiplier

KINDS = ("RSQRT",)
EXTRA_BITS = 20  # TFLM's kShift


def inv_sqrt_multiplier_exp(x: int) -> tuple[int, int]:
    """TFLite's GetInvSqrtQuantizedMultiplierExp(x, kReverseShift = -1): (multiplier, shift)."""
    if x <= 1:
        return fp.INT32_MAX, 0
    shift = 11
    while x >= (1 << 29):
        x //= 4
        shift += 1
    leading_zeros = 32 - x.bit_length()
    pairs = (leading_zeros - 1) // 2 - 1
    shift -= pairs
    x <<= 2 * pairs
    half_input = fp.rdbp(x >> 1, 1)           # Q3.28, SaturatingRoundingMultiplyByPOT<-1>
    half_three = (1 << 28) + (1 << 27)         # 1.5 in Q3.28
    guess = 1 << 28                            # 1.0 in Q3.28
    for _ in range(5):
        cube = fp.rescale(fp.srdhm(fp.srdhm(guess, guess), guess), 9, 3)
        guess = fp.rescale(fp.wrap32(fp.srdhm(half_three, guess) - fp.srdhm(half_input, cube)), 6, 3)
    result = fp.srdhm(guess, 1518500250)       # times sqrt(2)/2 in Q0.31
    if shift < 0:
        result = fp.wrap32(result << -shift)
        shift = 0
    return result, -shift


def rsqrt_table(input_scale: float, input_zero_point: int, output_scale: float,
                output_zero_point: int) -> list[int]:
    multiplier, shift = quantize_multiplier(
        1.0 / (math.sqrt(f32(input_scale)) * f32(output_scale)))
    table = []
    for q in INT8_VALUES:
        x = q - input_zero_point
        if x <= 0:
            table.append(127)
            continue
        m, s = inv_sqrt_multiplier_exp(x)
        data = fp.multiply_by_quantized_multiplier(1, m, s + EXTRA_BITS)
        out = fp.multiply_by_quantized_multiplier(data, multiplier, shift - EXTRA_BITS)
        table.append(clamp8(out + output_zero_point))
    return table


check = check_unary


def lower(graph: Graph, op: Op) -> KernelCall:
    return requantized_table_call(graph, op, rsqrt_table)
