"""DEQUANTIZE int8 or int16 -> float32 for models with a float output, TFLM's reference arithmetic
(dequantize.h): scale * (q - zero_point), computed by TFLM in double and rounded once to float,
which a single float multiply reproduces exactly (see the kernel)."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import check_conversion

KINDS = ("DEQUANTIZE",)
INT16_KINDS = KINDS  # also on int16 activations (16x8 models)


def check(graph: Graph, op: Op) -> str | None:
    if op.inputs and op.inputs[0] >= 0 and graph.tensor(op.inputs[0]).is_constant:
        return "constant input (a float weight kept in int8); mcugen needs int8 kernels throughout"
    return check_conversion(graph, op, inputs=("INT8", "INT16"), outputs=("FLOAT32",))


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="dequantize",
        type_suffix="s16" if inp.dtype == "INT16" else "s8",
        params=(("size", out.num_elements), ("zero_point", inp.quant.zero_point),
                ("scale", ConstRef("scale"))),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("scale", "float", (quant.f32(inp.quant.scale),)),),
    )
