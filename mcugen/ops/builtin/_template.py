"""TEMPLATE (copy to `<op>.py` and fill in; files starting with `_` are not registered).

MY_ABS (a made-up op standing for yours; the real ABS is abs.py), int8 -> int8, as TFLM's
reference kernel computes it: say here which TFLM source the arithmetic follows, and what the
kernel's contract is.
"""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import INT8_VALUES, check_unary, clamp8, table_call

KINDS = ("MY_ABS",)  # the TFLite builtin names this module lowers
INT16_KINDS = ()  # those it also lowers on int16 activations (16x8 models; `_s16` kernels)


def check(graph: Graph, op: Op) -> str | None:
    """None when mcugen can generate it exactly as TFLM runs it, else a short reason; refuse
    exactly what tflite-micro refuses or aborts on."""
    return check_unary(graph, op)


def lower(graph: Graph, op: Op) -> KernelCall:
    """All float -> int math happens here, once; the C kernel gets only integers.

    An int8 -> int8 element-wise op needs no C at all: its 256-entry table for the one LUT
    kernel. Other ops return KernelCall(kernel="<op>", params=(...), inputs=..., outputs=...)
    for firmware/kernels/<op>_s8.c with its params struct in firmware/include/<op>_s8.h.
    """
    qi, qo = graph.tensor(op.inputs[0]).quant, graph.tensor(op.outputs[0]).quant
    table = [clamp8(round(abs((q - qi.zero_point) * qi.scale) / qo.scale) + qo.zero_point)
             for q in INT8_VALUES]  # a real op rounds exactly as TFLM does (see logistic.py)
    return table_call(graph, op, table)
