"""TFLite Micro's "Prepare" arithmetic in Python: multipliers, shifts, activation ranges, padding.

Each function reproduces the C++ of TFLM (tensorflow/lite/kernels/internal/quantization_util.cc,
kernel_util.cc, padding.h) including its float32/double mix, so the integers we bake into the
generated code are the ones TFLM computes at run time. Also a Python twin of the C
`mg_requantize`, used by tests.
"""
from __future__ import annotations

import math

import numpy as np

from mcugen.ir import Graph, Op, Tensor

INT8_MIN, INT8_MAX = -128, 127
INT16_MIN, INT16_MAX = -32768, 32767


def tflite_round(x: float) -> float:
    """std::round: halves away from zero (Python's round() is banker's rounding)."""
    return math.copysign(math.floor(abs(x) + 0.5), x)


def quantize_multiplier(real: float) -> tuple[int, int]:
    """TFLM QuantizeMultiplier (double-rounding build): real ~= multiplier * 2^(shift - 31)."""
    if real == 0.0:
        return 0, 0
    q, shift = math.frexp(real)
    q_fixed = int(tflite_round(q * (1 << 31)))
    if q_fixed == (1 << 31):
        q_fixed //= 2
        shift += 1
    if shift < -31:
        shift, q_fixed = 0, 0
    return q_fixed, shift


def f32(x: float) -> float:
    """Round a double to float32, as C++ does when it stores into a `float`."""
    return float(np.float32(x))


def conv_multipliers(input_scale: float, filter_scales: tuple[float, ...], output_scale: float,
                     channels: int) -> tuple[list[int], list[int]]:
    """Per-channel (or broadcast per-tensor) multipliers, as PopulateConvolutionQuantizationParams.

    The product is taken in double from float32 scales, exactly like TFLM.
    """
    mults, shifts = [], []
    for c in range(channels):
        fs = filter_scales[c] if len(filter_scales) > 1 else filter_scales[0]
        m, s = quantize_multiplier(f32(input_scale) * f32(fs) / f32(output_scale))
        mults.append(m)
        shifts.append(s)
    return mults, shifts


def fc_per_tensor_multiplier(input_scale: float, filter_scale: float, output_scale: float) -> tuple[int, int]:
    """GetQuantizedConvolutionMultipler as the pinned tflite-micro build computes it.

    Its current source rounds the scale product to float32 first, but the pinned runtime matches
    a double product (the float32 product gives 1-LSB differences on ad01): trust the oracle.
    """
    product = f32(input_scale) * f32(filter_scale)
    return quantize_multiplier(product / f32(output_scale))


def _quantize_f32(scale: float, zero_point: int, value: float) -> int:
    """TFLM's Quantize(): zero_point + round(value / scale) with the division in float32."""
    tmp = np.float32(value) / np.float32(scale)
    return zero_point + int(tflite_round(float(tmp)))


def activation_range(activation: str, out: Tensor, qmin: int = INT8_MIN, qmax: int = INT8_MAX) -> tuple[int, int]:
    """CalculateActivationRangeQuantized for a fused activation name ("NONE", "RELU", ...)."""
    scale, zp = out.quant.scale, out.quant.zero_point
    if activation == "RELU":
        return max(qmin, _quantize_f32(scale, zp, 0.0)), qmax
    if activation == "RELU6":
        return max(qmin, _quantize_f32(scale, zp, 0.0)), min(qmax, _quantize_f32(scale, zp, 6.0))
    if activation == "RELU_N1_TO_1":
        return max(qmin, _quantize_f32(scale, zp, -1.0)), min(qmax, _quantize_f32(scale, zp, 1.0))
    return qmin, qmax


SUPPORTED_ACTIVATIONS = ("NONE", "RELU", "RELU6", "RELU_N1_TO_1")


def fused_activation(op: Op) -> str:
    return str(op.options.get("fused_activation_function", "NONE"))


def out_size(padding: str, size: int, filt: int, stride: int, dilation: int = 1) -> int:
    effective = (filt - 1) * dilation + 1
    if padding == "SAME":
        return (size + stride - 1) // stride
    return (size + stride - effective) // stride


def pad_before(padding: str, size: int, filt: int, stride: int, dilation: int, out: int) -> int:
    """ComputePaddingHeightWidth: padding before the first row/column (the odd one goes after).

    TFLM derives it from the output size for VALID too (where it comes out 0)."""
    effective = (filt - 1) * dilation + 1
    total = max(0, (out - 1) * stride + effective - size)
    return total // 2


def tensor_quant(graph: Graph, tid: int) -> tuple[float, int]:
    q = graph.tensor(tid).quant
    return (q.scale, q.zero_point) if q is not None else (1.0, 0)
