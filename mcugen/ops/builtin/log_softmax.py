"""LOG_SOFTMAX: int8 -> int8 (scale 16/256, zero point 127) over a last dimension of up to 4095,
with TFLM's gemmlowp arithmetic. The rescaled difference to the row maximum and its exp() are
256-entry tables computed here, bit-exactly; the kernel sums, takes the fixed-point log and
subtracts.

Follows TFLM's log_softmax.cc (Prepare: output scale and zero point required, beta 1, the input
multiplier and shift, the reverse scaling divisor and shift, diff_min) and
reference_integer_ops LogSoftmax (kernels/internal/reference/log_softmax.h, int8). A difference
x - max has only 256 values, so its Q5.26 rescaling and the Q12.19 exp() term TFLM adds for it
are tables; the log of the data-dependent sum (log_x_for_x_greater_than_or_equal_to_1) runs in
C. Longer rows are refused: TFLM's int32 sum of exp() terms may wrap there, and its log of a
wrapped sum is undefined."""
from __future__ import annotations

from mcugen.ir import Graph, Op
from mcugen.ops import fixedpoint, quant
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.builtin.softmax import input_scaling
from mcugen.ops.common import check_int8_io

KINDS = ("LOG_SOFTMAX",)
SCALED_DIFF_INTEGER_BITS = 5
ACCUM_INTEGER_BITS = 12
# the Q12.19 sum of exp() terms is int32: each term is at most 1.0 (2^19), so 4095 never wraps
MAX_DEPTH = 4095


def _depth(graph: Graph, op: Op) -> int:
    out = graph.tensor(op.outputs[0])
    return out.shape[-1] if out.shape else 1


def scaling(input_scale: float) -> tuple[int, int, int, int, int] | None:
    """TFLM PreprocessLogSoftmaxScalingExp + CalculateInputRadius (beta 1):
    (input_multiplier, input_left_shift, reverse_scaling_divisor, reverse_scaling_shift,
    diff_min), reverse_scaling_shift being the (non-positive) shift the kernel passes to
    MultiplyByQuantizedMultiplier; None where TFLM's checks fail or its arithmetic overflows."""
    real = min(input_scale * (1 << (31 - SCALED_DIFF_INTEGER_BITS)), (1 << 31) - 1.0)
    # QuantizeMultiplierGreaterThanOne's check, and TFLM's `1 << (31 - shift)` overflows at 0
    if quant.quantize_multiplier(real)[1] < 1:
        return None
    multiplier, left_shift, diff_min = input_scaling(1.0, input_scale)
    real_reverse = float(1 << (31 - left_shift)) / float(multiplier)
    divisor, shift = quant.quantize_multiplier(real_reverse)
    if shift > 0:  # QuantizeMultiplierSmallerThanOneExp's check
        return None
    return multiplier, left_shift, divisor, shift, diff_min


def check(graph: Graph, op: Op) -> str | None:
    problem = check_int8_io(graph, op)
    if problem:
        return problem
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    if out.quant.zero_point != 127 or quant.f32(out.quant.scale) != 16.0 / 256:
        return "int8 output must have scale 16/256 and zero point 127 (as TFLM requires)"
    if inp.shape != out.shape:
        return "input and output shapes differ"
    if _depth(graph, op) > MAX_DEPTH:
        return f"last dimension {_depth(graph, op)} > {MAX_DEPTH}: TFLM's int32 sum of exp() may wrap"
    if scaling(quant.f32(inp.quant.scale)) is None:
        return "input scale out of TFLM's LOG_SOFTMAX range (its multiplier checks fail)"
    return None


def tables(input_scale: float) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """For every difference d = max - x (0..255): x - max in Q5.26 and Rescale<12>(exp(x - max));
    both 0 below diff_min, where TFLM neither adds nor computes them."""
    multiplier, left_shift, _, _, diff_min = scaling(input_scale)
    diffs, exps = [], []
    for d in range(256):
        if -d < diff_min:
            diffs.append(0)
            exps.append(0)
            continue
        q5 = fixedpoint.multiply_by_quantized_multiplier(-d, multiplier, left_shift)
        diffs.append(q5)
        exps.append(fixedpoint.rescale(
            fixedpoint.exp_on_negative_values(q5, SCALED_DIFF_INTEGER_BITS), 0, ACCUM_INTEGER_BITS))
    return tuple(diffs), tuple(exps)


def lower(graph: Graph, op: Op) -> KernelCall:
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    depth = _depth(graph, op)
    scale = quant.f32(inp.quant.scale)
    _, _, divisor, shift, diff_min = scaling(scale)
    diffs, exps = tables(scale)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel="log_softmax",
        params=(("rows", out.num_elements // depth), ("depth", depth), ("diff_min", diff_min),
                ("reverse_scaling_divisor", divisor), ("reverse_scaling_shift", shift),
                ("diff_table", ConstRef("diff")), ("exp_table", ConstRef("exp"))),
        inputs=(inp.id,), outputs=(out.id,),
        consts=(ConstArray("diff", "int32_t", diffs), ConstArray("exp", "int32_t", exps)),
    )
