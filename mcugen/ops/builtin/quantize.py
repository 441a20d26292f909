"""QUANTIZE to int8 from float32 (a float model's input) or from int8 (a requantization the
converter inserts where two scales meet), TFLM's reference arithmetic (quantize_common.cc):
float input: round(x / scale) with a float32 division, halves away from zero; int8 input:
MultiplyByQuantizedMultiplier by input/output scale (the ratio in double)."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, NullRef
from mcugen.ops.common import check_conversion

KINDS = ("QUANTIZE",)


def check(graph: Graph, op: Op) -> str | None:
    return check_conversion(graph, op, inputs=("FLOAT32", "INT8"), outputs=("INT8",))


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
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
