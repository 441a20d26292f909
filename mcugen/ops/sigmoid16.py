"""int16 LOGISTIC and TANH (16x8 models) as tflite-micro computes them: the input rescaled to
the lookup's fixed point (Prepare in logistic_common.cc / tanh.cc), then linear interpolation in a
256-entry table of sigmoid(i / 24) in unsigned 0.16, tanh taken as 2 sigmoid(2x) - 1.

SIGMOID_TABLE_U16 holds that table as measured from the tflite-micro runtime
(tests/support/tflm_tables.py says how; tests/ops/test_sigmoid16.py measures it again).
"""
from __future__ import annotations

import math

import numpy as np

from mcugen.ir import Graph, Op
from mcugen.ops.base import ConstArray, ConstRef, KernelCall
from mcugen.ops.common import label

SIGMOID_TABLE_U16: tuple[int, ...] = (
    32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513, 38180, 38841, 39498, 40149,
    40794, 41432, 42064, 42688, 43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
    47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409, 51865, 52311, 52745, 53169,
    53581, 53983, 54374, 54755, 55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
    57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519, 59743, 59959, 60168, 60370,
    60565, 60753, 60935, 61110, 61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
    62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186, 63279, 63368, 63454, 63536,
    63615, 63691, 63765, 63835, 63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
    64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652, 64687, 64721, 64754, 64786,
    64816, 64845, 64873, 64900, 64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
    65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208, 65221, 65234, 65246, 65258,
    65269, 65280, 65291, 65301, 65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
    65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415, 65420, 65425, 65429, 65433,
    65438, 65442, 65445, 65449, 65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
    65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491, 65493, 65495, 65497, 65498,
    65500, 65501, 65503, 65504, 65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
    65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520, 65520, 65521, 65522, 65522,
    65523, 65523, 65524, 65524, 65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
    65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530, 65530, 65530, 65531, 65531,
    65531, 65531, 65531, 65532, 65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
    65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534, 65534, 65534, 65534, 65534,
    65534, 65534, 65534, 65535,
)
INPUT_INTEGER_BITS = 3
OUTPUT_SCALE_LOG2 = -15  # both ops output Q0.15 (scale 2^-15, zero point 0)


def checked_log2(x: float) -> tuple[int, bool]:
    """tflite-micro's CheckedLog2 in float32: (rounded log2, whether x is a power of two)."""
    f32 = np.float32
    value = f32(math.log(f32(x))) * (f32(1.0) / f32(math.log(f32(2.0))))
    rounded = f32(math.floor(abs(float(value)) + 0.5)) * (1 if value >= 0 else -1)
    return int(rounded), abs(float(value - rounded)) < 1e-3


def input_params(kind: str, input_scale: float) -> tuple[int, int]:
    """(input_multiplier, input_left_shift) as Prepare derives them; multiplier 0 marks the
    power-of-two case, which the kernel turns into 3 << shift."""
    log2, pot = checked_log2(input_scale)
    shift = (15 - INPUT_INTEGER_BITS) + log2
    pot = pot and (shift == 0 or (kind == "TANH" and shift == 1))
    if pot:
        return 0, shift
    multiplier, shift = float(np.float32(input_scale)) * 4096.0 * 3.0, 0
    while multiplier <= 32767.0 / 2.0 and shift <= 30:
        shift += 1
        multiplier *= 2.0
    return int(multiplier), shift


def is_int16(graph: Graph, op: Op) -> bool:
    return bool(op.inputs) and op.inputs[0] >= 0 and graph.tensor(op.inputs[0]).dtype == "INT16"


def check(graph: Graph, op: Op) -> str | None:
    """What tflite-micro's int16 Prepare requires: zero points 0, a Q0.15 output, an input
    multiplier within 15 bits."""
    if len(op.inputs) != 1 or len(op.outputs) != 1:
        return "needs one input and one output"
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    for t in (inp, out):
        if t.dtype != "INT16" or t.quant is None or t.quant.per_channel:
            return f"tensor {label(t)} must be per-tensor quantized int16"
        if t.quant.zero_point != 0:
            return f"tensor {label(t)} has zero point {t.quant.zero_point} (int16 {op.kind} needs 0)"
    log2, pot = checked_log2(out.quant.scale)
    if not pot or log2 != OUTPUT_SCALE_LOG2:
        return f"output scale {out.quant.scale:g} is not 2^-15 (tflite-micro's int16 {op.kind} requires it)"
    multiplier, shift = input_params(op.kind, inp.quant.scale)
    if multiplier > 32767 or shift < 0:
        return f"input scale {inp.quant.scale:g} is out of the range tflite-micro's int16 {op.kind} handles"
    return None


def lower(graph: Graph, op: Op) -> KernelCall:
    multiplier, shift = input_params(op.kind, graph.tensor(op.inputs[0]).quant.scale)
    return KernelCall(
        op_index=op.index, kind=op.kind, kernel=op.kind.lower(), type_suffix="s16",
        params=(("size", graph.tensor(op.outputs[0]).num_elements), ("input_multiplier", multiplier),
                ("input_left_shift", shift), ("table", ConstRef("sigmoid_table"))),
        inputs=(op.inputs[0],), outputs=(op.outputs[0],),
        consts=(ConstArray("sigmoid_table", "uint16_t", SIGMOID_TABLE_U16),),
    )
