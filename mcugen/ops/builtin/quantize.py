"""QUANTIZE to int8 from float32 (a float model's input) or from int8 (a requantization the
converter inserts where two scales meet), TFLM's reference arithmetic (quantize_common.cc):
float input (to int8, or to int16 in 16x8 models: kernel quantize_float_s16): round(x / scale)
with a float32 division, halves away from zero, saturated (NaN to the zero point); int8 input:
MultiplyByQuantizedMultiplier by input/output scale (the ratio in double). Between other integer
types (int8, int16, int32: what 16x8 and mixed-precision models carry) the same requantization
saturates to the output type (mg_requantize.h: requantize_s8, quantize_s16, quantize_s32).
A QUANTIZE that closes a float island made int8 (THROUGH_FLOAT) is a table of TFLM's
DEQUANTIZE-then-QUANTIZE float arithmetic instead."""
from __future__ import annotations

import math

import numpy as np

from mcugen.canonicalise.float_islands import THROUGH_FLOAT
from mcugen.ir import Graph, Op, Quant
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, NullRef
from mcugen.ops.common import check_conversion, label
from mcugen.ops.elementwise import INT8_VALUES, table_call

KINDS = ("QUANTIZE",)
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)


# integer requantizations tflite-micro runs (quantize_common.cc), output type -> input types
INTEGER_PAIRS = {"INT8": ("INT16", "INT32"), "INT16": ("INT8", "INT16", "INT32"), "INT32": ("INT8", "INT16")}
_BYTES = {"INT8": 1, "INT16": 2, "INT32": 4}


def _integer_pair(graph: Graph, op: Op) -> bool:
    if len(op.inputs) != 1 or len(op.outputs) != 1 or op.inputs[0] < 0:
        return False
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    return inp.dtype in INTEGER_PAIRS.get(out.dtype, ())


def through_float_table(qi: Quant, qo: Quant) -> list[int]:
    """int8 -> int8 as tflite-micro's DEQUANTIZE then QUANTIZE compute it (a float island made
    int8, canonicalise/float_islands.py): (q - zp) * scale as a float32 product, then the float32
    quotient by the output scale, rounded half away from zero, plus the zero point, clamped."""
    table = []
    for q in INT8_VALUES:
        real = np.float32(q - qi.zero_point) * np.float32(qi.scale)
        x = float(real / np.float32(qo.scale))
        table.append(max(-128, min(127, int(math.copysign(math.floor(abs(x) + 0.5), x)) + qo.zero_point)))
    return table


def _float_to_int16(graph: Graph, op: Op) -> bool:
    return (len(op.inputs) == 1 and len(op.outputs) == 1 and op.inputs[0] >= 0
            and graph.tensor(op.inputs[0]).dtype == "FLOAT32" and graph.tensor(op.outputs[0]).dtype == "INT16")


def check(graph: Graph, op: Op) -> str | None:
    if _integer_pair(graph, op):
        for t in (graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])):
            if t.quant is None or t.quant.per_channel:
                return f"tensor {label(t)} must be per-tensor quantized"
        return check_conversion(graph, op, inputs=("INT8", "INT16", "INT32"), outputs=("INT8", "INT16", "INT32"))
    if _float_to_int16(graph, op):
        return check_conversion(graph, op, inputs=("FLOAT32",), outputs=("INT16",))
    return check_conversion(graph, op, inputs=("FLOAT32", "INT8"), outputs=("INT8",))


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    if op.options.get(THROUGH_FLOAT):
        return table_call(graph, op, through_float_table(inp.quant, out.quant))
    if _integer_pair(graph, op):
        multiplier, shift = quant.quantize_multiplier(quant.f32(inp.quant.scale) / quant.f32(out.quant.scale))
        kernel, suffix = ("requantize", "s8") if out.dtype == "INT8" else ("quantize", "s" + str(8 * _BYTES[out.dtype]))
        return KernelCall(
            op_index=op.index, kind=op.kind, kernel=kernel, type_suffix=suffix,
            params=(("size", out.num_elements), ("input_bytes", _BYTES[inp.dtype]),
                    ("input_zero_point", inp.quant.zero_point), ("output_zero_point", out.quant.zero_point),
                    ("multiplier", multiplier), ("shift", shift)),
            inputs=(inp.id,), outputs=(out.id,),
        )
    if _float_to_int16(graph, op):
        return KernelCall(
            op_index=op.index, kind=op.kind, kernel="quantize_float", type_suffix="s16",
            params=(("size", out.num_elements), ("zero_point", out.quant.zero_point), ("scale", ConstRef("scale"))),
            inputs=(inp.id,), outputs=(out.id,),
            consts=(ConstArray("scale", "float", (quant.f32(out.quant.scale),)),),
        )
    from_float = inp.dtype == "FLOAT32"
    if from_float:
        multiplier, shift, in_zp = 0, 0, 0
    else:
        multiplier, shift = quant.quantize_multiplier(quant.f32(inp.quant.scale) / quant.f32(out.quant.scale))
        in_zp = inp.quant.zero_point
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="quantize",
        params=(("size", out.num_elements), ("from_float", int(from_float)),
                ("zero_point", out.quant.zero_point),
                ("scale", ConstRef("scale") if from_float else NullRef()),
                ("input_zero_point", in_zp), ("multiplier", multiplier), ("shift", shift)),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("scale", "float", (quant.f32(out.quant.scale),)),) if from_float else (),
    )
