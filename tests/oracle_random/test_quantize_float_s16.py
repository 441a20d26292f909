"""QUANTIZE float32 -> int16: 16x8 models with a float input (TensorFlow puts the QUANTIZE first
and a DEQUANTIZE last), bit-exact with tflite-micro under both arena plans on floats across the
input range, at and next to every rounding half, and beyond the int16 range (saturation).
NaN, +-inf and values past the int32 range are undefined in tflite-micro: mcugen's choice for
them is pinned on the kernel in tests/faults/test_convert_faults.py."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.convert.tflite_reader import read_graph
from tests.support.oracle import assert_exact, keras_sequential, random_samples, tf, to_int16


def edge_values(scale: float, shape: tuple[int, ...], rng: np.random.Generator) -> np.ndarray:
    """Floats whose x / scale lands on, just beside and far from the halves TFLM rounds away
    from zero, and beyond +-32768 (within int32, where TFLM's cast is defined)."""
    k = rng.integers(-32768, 32768, shape)
    halves = ((k + 0.5) * np.float64(scale)).astype(np.float32)
    nudged = np.nextafter(halves, rng.choice([-np.inf, np.inf], shape).astype(np.float32))
    beyond = (rng.choice([-1, 1], shape) * rng.uniform(32768, 2e9, shape) * scale).astype(np.float32)
    pick = rng.integers(0, 3, shape)
    return np.where(pick == 0, halves, np.where(pick == 1, nudged, beyond)).astype(np.float32)


@pytest.mark.parametrize("limit", [0.01, 1.0, 50.0])
@pytest.mark.parametrize("layer", ["tanh", "dense"])
def test_float_input_16x8_model_is_bit_exact(layer, limit, tmp_path):
    L = tf().keras.layers
    body = L.Activation("tanh") if layer == "tanh" else L.Dense(5)
    model = to_int16(keras_sequential((6, 7), body), float_io=True, low=-limit, high=limit)
    graph = read_graph(model)
    quantize = graph.ops[0]
    assert quantize.kind == "QUANTIZE" and graph.ops[-1].kind == "DEQUANTIZE"
    assert graph.tensor(quantize.inputs[0]).dtype == "FLOAT32"
    assert graph.tensor(quantize.outputs[0]).dtype == "INT16"
    scale = graph.tensor(quantize.outputs[0]).quant.scale
    rng = np.random.default_rng(len(layer) + int(limit))
    samples = random_samples(model, 3, seed=3, low=-1.5 * limit, high=1.5 * limit)
    samples += [[edge_values(scale, (1, 6, 7), rng)] for _ in range(5)]
    samples += [[np.array([0.0, -0.0, 1e-45, -1e-45, scale / 2, -scale / 2, 32767.5 * scale] * 6,
                          np.float32).reshape(1, 6, 7)]]
    assert "quantize_float" in assert_exact(model, samples, tmp_path)
