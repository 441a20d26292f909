"""LEAKY_RELU, int8 -> int8, as a 256-entry table of TFLM's result.

TFLM (leaky_relu_common.cc, QuantizeLeakyRelu) requantizes non-negative inputs with
input/output scale and negative ones with alpha * input/output scale, both ratios taken in
float32; a negative alpha multiplies by |alpha| and negates.
"""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import fixedpoint as fp
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import INT8_VALUES, check_unary, clamp8, requantized_table_call
from mcugen.ops.quant import f32, quantize_multiplier

KINDS = ("LEAKY_RELU",)


def leaky_relu_table(input_scale: float, input_zero_point: int, output_scale: float,
                     output_zero_point: int, alpha: float) -> list[int]:
    s_in, s_out = np.float32(input_scale), np.float32(output_scale)
    alpha_m, alpha_s = quantize_multiplier(f32(np.float32(s_in * np.float32(alpha)) / s_out))
    ident_m, ident_s = quantize_multiplier(f32(s_in / s_out))
    negate = alpha_m < 0
    alpha_m = abs(alpha_m)
    table = []
    for q in INT8_VALUES:
        x = q - input_zero_point
        if x >= 0:
            y = fp.multiply_by_quantized_multiplier(x, ident_m, ident_s)
        else:
            y = fp.multiply_by_quantized_multiplier(x, alpha_m, alpha_s)
            y = -y if negate else y
        table.append(clamp8(output_zero_point + y))
    return table


check = check_unary


def lower(graph: Graph, op: Op) -> KernelCall:
    return requantized_table_call(graph, op, leaky_relu_table, float(op.options.get("alpha", 0.2)))
