"""CONCATENATION on 16x8 models (int16 activations): Keras Concatenate over two model inputs,
along each axis, bit-exact with tflite-micro under both arena plans."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.convert.tflite_reader import read_graph
from tests.support.oracle import assert_exact, random_samples, tf, to_int16


def _calibration(rng, shape):
    # every input sees the same extremes, so TensorFlow gives them one scale and adds no requantize
    x = rng.uniform(-2.0, 2.0, shape)
    x.flat[0], x.flat[-1] = -2.0, 2.0
    return x


@pytest.mark.parametrize("axis", [1, 2, 3, -1])
def test_concatenation_s16_is_bit_exact(axis, tmp_path):
    keras = tf().keras
    a = keras.Input((4, 3, 2), batch_size=1, name="in0")
    b = keras.Input((4, 3, 2), batch_size=1, name="in1")
    model = to_int16(keras.Model([a, b], keras.layers.Concatenate(axis=axis)([a, b])),
                     calibration=_calibration)
    graph = read_graph(model)
    assert [op.kind for op in graph.ops] == ["CONCATENATION"]
    assert {graph.tensor(t).dtype for t in (*graph.inputs, *graph.outputs)} == {"INT16"}
    samples = random_samples(model, 3, seed=axis + 5)
    assert any(np.abs(s[0]).max() > 30000 for s in samples)  # the whole int16 range is exercised
    assert assert_exact(model, samples, tmp_path) == {"concatenation"}
