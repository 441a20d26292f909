"""LEAKY_RELU, int8 -> int8, as a 256-entry table of TFLM's result; int16 -> int16 (16x8 models)
computes the same arithmetic per element (kernel leaky_relu_s16).

TFLM (leaky_relu_common.cc, QuantizeLeakyRelu) requantizes non-negative inputs with
input/output scale and negative ones with alpha * input/output scale, both ratios taken in
float32; a negative alpha multiplies by |alpha| and negates.
"""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import fixedpoint as fp
from mcugen.ops.base import KernelCall
from mcugen.ops.common import label
from mcugen.ops.elementwise import INT8_VALUES, check_unary, clamp8, requantized_table_call
from mcugen.ops.quant import f32, quantize_multiplier

KINDS = ("LEAKY_RELU",)
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)


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


def _is_int16(graph: Graph, op: Op) -> bool:
    return bool(op.inputs) and op.inputs[0] >= 0 and graph.tensor(op.inputs[0]).dtype == "INT16"


def check(graph: Graph, op: Op) -> str | None:
    if not _is_int16(graph, op):
        return check_unary(graph, op)
    if len(op.inputs) != 1 or len(op.outputs) != 1:
        return "needs one input and one output"
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    for t in (inp, out):
        if t.dtype != "INT16" or t.quant is None or t.quant.per_channel:
            return f"tensor {label(t)} must be per-tensor quantized int16 (an int16 input needs an int16 output)"
    if inp.num_elements != out.num_elements:
        return "input and output differ in size"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    if _is_int16(graph, op):
        inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
        # the int16 ratios are double in the pinned tflite-micro (float32 ones miss the SEANet
        # models by one, measured)
        ident_m, ident_s = quantize_multiplier(f32(inp.quant.scale) / f32(out.quant.scale))
        alpha_m, alpha_s = quantize_multiplier(
            f32(inp.quant.scale) * float(op.options.get("alpha", 0.2)) / f32(out.quant.scale))
        return KernelCall(
            op_index=op.index, kind=op.kind, kernel="leaky_relu", type_suffix="s16",
            params=(("size", out.num_elements), ("input_zero_point", inp.quant.zero_point),
                    ("output_zero_point", out.quant.zero_point),
                    ("identity_multiplier", ident_m), ("identity_shift", ident_s),
                    ("alpha_multiplier", abs(alpha_m)), ("alpha_shift", alpha_s),
                    ("alpha_negative", int(alpha_m < 0))),
            inputs=(inp.id,), outputs=(out.id,),
        )
    return requantized_table_call(graph, op, leaky_relu_table, float(op.options.get("alpha", 0.2)))
