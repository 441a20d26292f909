"""DEQUANTIZE int8 -> float32 for models with a float output, TFLM's reference arithmetic
(dequantize.h): scale * (q - zero_point), computed by TFLM in double and rounded once to float,
which a single float multiply reproduces exactly (see the kernel)."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import label

KINDS = ("DEQUANTIZE",)


def check(graph: Graph, op: Op) -> str | None:
    if len(op.inputs) != 1 or len(op.outputs) != 1 or op.inputs[0] < 0:
        return "needs one input and one output"
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    if inp.dtype != "INT8" or inp.quant is None or inp.quant.per_channel:
        return f"input {label(inp)} must be per-tensor int8 (is {inp.dtype})"
    if inp.is_constant:
        return "constant input (a float weight kept in int8); mcugen needs int8 kernels throughout"
    if out.dtype != "FLOAT32":
        return f"output {label(out)} is {out.dtype} (float32 only)"
    if inp.num_elements != out.num_elements:
        return "input and output differ in size"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="dequantize",
        params=(("size", out.num_elements), ("zero_point", inp.quant.zero_point),
                ("scale", ConstRef("scale"))),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("scale", "float", (quant.f32(inp.quant.scale),)),),
    )
