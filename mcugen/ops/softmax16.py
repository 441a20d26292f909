"""int16 SOFTMAX (16x8 models) as tflite-micro computes it (softmax_common.cc, reference
SoftmaxInt16): each difference to the row maximum rescaled so that [-65535, 0] spans [-10, 0],
looked up with int16 interpolation in a 513-entry exp() table; the row's int32 sum normalised and
looked up in a 513-entry 1 / (1 + x) table; each exp() scaled by that reciprocal.

Both tables are what tflite-micro's Prepare builds with LUTPopulate<int16_t> in float32, computed
here the same way (`lut_populate_int16`); tests/ops/test_softmax16.py checks them against the
runtime, on every input value the exp() lookup can take."""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Callable

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops import quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import check_int16_io, label

F32 = np.float32
RANGE = 65535  # int16 max - int16 min, the span both tables are laid over
MAX_DEPTH = 65536  # longer rows may overflow TFLM's int32 sum of int16 exp() values
MAX_LEFT_SHIFT = 15  # a longer left shift may overflow TFLM's int32 rescale of a difference


def _round(x: F32) -> F32:
    """std::round of a float32: halves away from zero."""
    return F32(quant.tflite_round(float(x)))


def lut_populate_int16(input_scale: F32, input_zero_point: int, output_scale: F32, output_zero_point: int,
                       transform: Callable[[F32], F32]) -> tuple[int, ...]:
    """tflite-micro's LUTPopulate<int16_t> in float32: 512 samples of `transform` over the input
    range, each biased by half its interpolation error at the segment's midpoint, and the end."""
    input_min = input_scale * F32(-32768 - input_zero_point)
    input_max = input_scale * F32(32767 - input_zero_point)
    output_min = output_scale * F32(-32768 - output_zero_point)
    output_max = output_scale * F32(32767 - output_zero_point)
    steps = 512
    step = (input_max - input_min) / F32(steps)
    half_step = step / F32(2)
    scaling = F32(RANGE + 1) / (output_max - output_min)
    table = []
    for i in range(steps):
        start = input_min + F32(i) * step
        value, middle = transform(start), transform(start + half_step)
        after = transform(input_min + F32(i + 1) * step)
        sample = _round(value * scaling)
        interpolated = _round((after * scaling + _round(value * scaling)) / F32(2))
        bias = _round((interpolated - _round(middle * scaling)) / F32(2))
        table.append(int(min(max(sample - bias, F32(-32768)), F32(32767))))
    table.append(int(min(max(_round(transform(input_max) * scaling), F32(-32768)), F32(32767))))
    return tuple(table)


def _exp(x: F32) -> F32:
    """std::exp of a float, correctly rounded. The runtime's expf (glibc) is one ulp off that at
    one of the 1537 points sampled, without changing any entry; the runtime check would show it."""
    return F32(math.exp(float(x)))


def _one_over_one_plus(x: F32) -> F32:
    return F32(1.0) / (F32(1.0) + x)


@lru_cache(maxsize=None)
def exp_table() -> tuple[int, ...]:
    """exp(x) for x in [-10, 0], Q0.15 (the input recentred so that 32767 is 0)."""
    return lut_populate_int16(F32(10.0) / F32(RANGE), 32767, F32(2.0) / F32(RANGE), 0, _exp)


@lru_cache(maxsize=None)
def one_over_one_plus_x_table() -> tuple[int, ...]:
    """1 / (1 + x) for x in [0, 1], Q0.15 (the input recentred so that -32768 is 0)."""
    return lut_populate_int16(F32(1.0) / F32(RANGE), -32768, F32(2.0) / F32(RANGE), 0, _one_over_one_plus)


def input_rescale(input_scale: float, beta: float) -> tuple[int, int]:
    """(multiplier, shift) taking an input difference to the exp() table's [-65535, 0] = [-10, 0]:
    QuantizeMultiplier of input scale * beta / (10 / 65535), in double from float32 values."""
    return quant.quantize_multiplier(quant.f32(input_scale) * quant.f32(beta) / (10.0 / 65535.0))


def check(graph: Graph, op: Op) -> str | None:
    """What tflite-micro's int16 Prepare requires (zero points 0, output scale 1/32768 within
    0.1%), and the limits past which its int32 arithmetic overflows."""
    if len(op.inputs) != 1 or len(op.outputs) != 1:
        return "needs one input and one output"
    problem = check_int16_io(graph, op, (op.inputs[0], op.outputs[0]))
    if problem:
        return problem
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    for t in (inp, out):
        if t.quant.zero_point != 0:
            return f"tensor {label(t)} has zero point {t.quant.zero_point} (int16 SOFTMAX needs 0)"
    if abs(F32(out.quant.scale) - F32(1.0) / F32(32768)) > F32(0.001) * F32(1.0) / F32(32768):
        return f"output scale {out.quant.scale:g} is not 1/32768 (tflite-micro's int16 SOFTMAX requires it)"
    if inp.shape != out.shape or not inp.shape:
        return "input and output shapes differ"
    if inp.shape[-1] > MAX_DEPTH:
        return f"rows of {inp.shape[-1]} values (at most {MAX_DEPTH}: tflite-micro's int32 sum may overflow)"
    _, shift = input_rescale(inp.quant.scale, float(op.options.get("beta", 1.0)))
    if shift > MAX_LEFT_SHIFT:
        return "input scale times beta of 5 or more (tflite-micro's int32 rescale of a difference may overflow)"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    depth = out.shape[-1]
    multiplier, shift = input_rescale(inp.quant.scale, float(op.options.get("beta", 1.0)))
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="softmax", type_suffix="s16",
        params=(("rows", out.num_elements // depth), ("depth", depth), ("input_multiplier", multiplier),
                ("input_shift", shift), ("exp_table", ConstRef("exp")),
                ("one_over_one_plus_x_table", ConstRef("one_over_one_plus_x"))),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("exp", "int16_t", exp_table()),
                ConstArray("one_over_one_plus_x", "int16_t", one_over_one_plus_x_table())),
    )
