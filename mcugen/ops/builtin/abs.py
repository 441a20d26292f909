"""ABS, int8 -> int8, as a 256-entry table of TFLM's result.

TFLM (elementwise.cc, AbsEvalQuantized) takes |q - input zero point|; when the input and output
scales differ (compared as float32) it requantizes that by input/output scale (a double ratio
through QuantizeMultiplier), then adds the output zero point and saturates.
"""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import fixedpoint as fp
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import INT8_VALUES, check_unary, clamp8, requantized_table_call
from mcugen.ops.quant import f32, quantize_multiplier

KINDS = ("ABS",)


def abs_table(input_scale: float, input_zero_point: int, output_scale: float,
              output_zero_point: int) -> list[int]:
    rescale = f32(input_scale) != f32(output_scale)
    multiplier, shift = quantize_multiplier(f32(input_scale) / f32(output_scale))
    table = []
    for q in INT8_VALUES:
        value = abs(q - input_zero_point)
        if rescale:
            value = fp.multiply_by_quantized_multiplier(value, multiplier, shift)
        table.append(clamp8(value + output_zero_point))
    return table


check = check_unary


def lower(graph: Graph, op: Op) -> KernelCall:
    return requantized_table_call(graph, op, abs_table)
