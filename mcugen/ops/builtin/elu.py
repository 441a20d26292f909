"""ELU, int8 -> int8, as the 256-entry table TFLM builds in Prepare (elu.cc, PopulateLookupTable).

TFLM evaluates in float32: x = input scale * (q - zero point), exp(x) - 1 for x < 0 (else x),
times 1 / output scale (float32), rounded half away from zero, plus the output zero point,
saturated (a sum beyond int32 casts to INT32_MIN on x86: -128). exp is the C library's expf; mcugen calls the host's (glibc's, as the tflite-micro
oracle does) and falls back to numpy's float32 exp where there is no libm to load.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import math

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops.base import KernelCall
from mcugen.ops.elementwise import INT8_VALUES, check_unary, clamp8, requantized_table_call

KINDS = ("ELU",)


def _expf():
    name = ctypes.util.find_library("m")
    if name:
        try:
            fn = ctypes.CDLL(name).expf
            fn.restype, fn.argtypes = ctypes.c_float, [ctypes.c_float]
            return lambda x: np.float32(fn(float(x)))
        except (OSError, AttributeError):
            pass
    return lambda x: np.exp(np.float32(x))


EXPF = _expf()


def elu_table(input_scale: float, input_zero_point: int, output_scale: float,
              output_zero_point: int) -> list[int]:
    s_in = np.float32(input_scale)
    inverse = np.float32(np.float32(1.0) / np.float32(output_scale))
    table = []
    for q in INT8_VALUES:
        x = np.float32(s_in * np.float32(q - input_zero_point))
        y = np.float32(EXPF(x) - np.float32(1.0)) if x < 0 else x
        scaled = float(np.float32(y * inverse))
        rounded = np.float32(math.copysign(math.floor(abs(scaled) + 0.5), scaled))  # roundf
        value = float(np.float32(rounded + np.float32(output_zero_point)))
        # the float -> int32 cast: x86 gives INT32_MIN outside the int32 range
        table.append(clamp8(int(value)) if -2.0**31 <= value < 2.0**31 else -128)
    return table


check = check_unary


def lower(graph: Graph, op: Op) -> KernelCall:
    return requantized_table_call(graph, op, elu_table)
