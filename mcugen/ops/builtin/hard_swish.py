"""HARD_SWISH, int8 -> int8, as a 256-entry table of TFLM's int16 fixed-point result.

TFLM (hard_swish_common.cc, reference_ops::HardSwish) works on the input shifted left by 7 in
int16, with two int16 multipliers (derived in float32 and rounded down from int32 ones): one to
the output scale, one mapping [-3, 3] to the "relu-ish" factor in [0, 1].
"""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import fixedpoint as fp
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import INT8_VALUES, check_unary, clamp8, table_call
from mcugen.ops.quant import f32, quantize_multiplier

KINDS = ("HARD_SWISH",)


def downscale_multiplier_to_int16(multiplier: int) -> int:
    """TFLite's DownScaleInt32ToInt16Multiplier."""
    if multiplier >= fp.INT32_MAX - (1 << 15):
        return fp.INT16_MAX
    return (multiplier + (1 << 15)) >> 16


def hard_swish_multipliers(input_scale: float, output_scale: float) -> tuple[int, int, int, int]:
    """(output multiplier int16, output exponent, reluish multiplier int16, reluish exponent)."""
    hires_input_scale = np.float32(np.float32(1.0 / 128.0) * np.float32(input_scale))
    out_m, out_e = quantize_multiplier(f32(hires_input_scale / np.float32(output_scale)))
    relu_m, relu_e = quantize_multiplier(f32(hires_input_scale / np.float32(3.0 / 32768.0)))
    return downscale_multiplier_to_int16(out_m), out_e, downscale_multiplier_to_int16(relu_m), relu_e


def hard_swish_table(input_scale: float, input_zero_point: int, output_scale: float,
                     output_zero_point: int) -> list[int]:
    out_m, out_e, relu_m, relu_e = hard_swish_multipliers(input_scale, output_scale)
    table = []
    for q in INT8_VALUES:
        hires = fp.wrap16((q - input_zero_point) * (1 << 7))
        preshift_output = fp.srdhm16(hires, out_m)
        reluish = hires
        if relu_e > 0:
            reluish = fp.sat_shift_left16(reluish, relu_e - 1)
        reluish = fp.srdhm16(reluish, relu_m)
        if relu_e > 0:
            reluish = fp.sat_shift_left16(reluish, 1)
        if relu_e < 0:
            reluish = fp.rdbp(reluish, -relu_e)
        reluish = (reluish + (1 << 15)) >> 1  # [-1, 1] -> [0, 1]
        product = fp.sdhm16(reluish, preshift_output)
        # TFLM adds the zero point in int16, so it wraps exactly there
        table.append(clamp8(fp.wrap16(fp.rdbp(product, -out_e) + output_zero_point)))
    return table


def check(graph: Graph, op: Op) -> str | None:
    problem = check_unary(graph, op)
    if problem:
        return problem
    qi, qo = graph.tensor(op.inputs[0]).quant, graph.tensor(op.outputs[0]).quant
    if hard_swish_multipliers(qi.scale, qo.scale)[1] > 0:
        return "output scale below input scale / 128 (TFLM rejects it too)"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    qi, qo = graph.tensor(op.inputs[0]).quant, graph.tensor(op.outputs[0]).quant
    return table_call(graph, op,
                      hard_swish_table(qi.scale, qi.zero_point, qo.scale, qo.zero_point))
