"""LOGISTIC and TANH on 16x8 models (int16 activations): TensorFlow's 16x8 conversion of Keras
sigmoid / tanh at several input ranges (power-of-two scales and not), bit-exact with tflite-micro
under both arena plans, over the whole int16 input range."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.convert.tflite_reader import read_graph
from tests.support.oracle import assert_exact, keras_sequential, tf, to_int16


@pytest.mark.parametrize("activation", ["sigmoid", "tanh"])
@pytest.mark.parametrize("limit", [0.5, 3.0, 8.0, 40.0])
def test_sigmoid16_is_bit_exact(activation, limit, tmp_path):
    model = to_int16(keras_sequential((64, 8), tf().keras.layers.Activation(activation)),
                     low=-limit, high=limit)
    graph = read_graph(model)
    assert [op.kind for op in graph.ops] == [{"sigmoid": "LOGISTIC", "tanh": "TANH"}[activation]]
    assert graph.tensor(graph.inputs[0]).dtype == "INT16"
    every_value = np.arange(-32768, 32768, dtype=np.int16).reshape(128, 1, 64, 8)
    samples = [[x] for x in every_value]  # every int16 input once, over 128 samples
    assert assert_exact(model, samples, tmp_path) == {activation.replace("sigmoid", "logistic")}
