"""RELU and RELU6, int8 -> int8, with TFLM's reference arithmetic (activations.cc).

RELU requantizes input -> output (a float32 scale ratio) and clamps below at the output zero
point. RELU6 clamps between the input's quantized 0 and 6 and does not requantize (TFLM reads
only the input's parameters). TFLM has no RELU_N1_TO_1 kernel, so neither has mcugen.
"""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import check_unary, clamp8
from mcugen.ops.quant import f32, quantize_multiplier, tflite_round

KINDS = ("RELU", "RELU6")
IDENTITY = (1 << 30, 1)  # QuantizeMultiplier(1.0): requantizing by it changes nothing


def check(graph: Graph, op: Op) -> str | None:
    return check_unary(graph, op)


def relu_params(input_scale: float, input_zp: int, output_scale: float, output_zp: int
                ) -> dict[str, int]:
    multiplier, shift = quantize_multiplier(f32(np.float32(input_scale) / np.float32(output_scale)))
    plain = (multiplier, shift) == IDENTITY and input_zp == output_zp
    return {"requantize": int(not plain), "input_offset": input_zp, "output_offset": output_zp,
            "multiplier": multiplier, "shift": shift, "act_min": max(-128, output_zp), "act_max": 127}


def relu6_params(input_scale: float, input_zp: int) -> dict[str, int]:
    six = clamp8(int(tflite_round(f32(np.float32(6.0) / np.float32(input_scale)))) + input_zp)
    return {"requantize": 0, "input_offset": input_zp, "output_offset": input_zp,
            "multiplier": IDENTITY[0], "shift": IDENTITY[1], "act_min": input_zp, "act_max": six}


def lower(graph: Graph, op: Op) -> KernelCall:
    qi, qo = graph.tensor(op.inputs[0]).quant, graph.tensor(op.outputs[0]).quant
    if op.kind == "RELU6":
        values = relu6_params(qi.scale, qi.zero_point)
    else:
        values = relu_params(qi.scale, qi.zero_point, qo.scale, qo.zero_point)
    fields = ("requantize", "input_offset", "output_offset", "multiplier", "shift", "act_min", "act_max")
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="relu",
        params=(("size", graph.tensor(op.outputs[0]).num_elements),
                *((name, values[name]) for name in fields)),
        inputs=(op.inputs[0],), outputs=(op.outputs[0],),
    )
