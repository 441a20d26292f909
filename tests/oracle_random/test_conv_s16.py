"""CONV_2D and TRANSPOSE_CONV on 16x8 models (int16 activations, int8 weights, int64 bias): every
SEANet conv / transpose_conv model (a real audio network) and Keras convolutions converted by
TensorFlow's 16x8 mode, bit-exact with tflite-micro under both arena plans."""
from __future__ import annotations

from pathlib import Path

import pytest

from mcugen.convert.tflite_reader import read_graph
from tests.support.oracle import assert_exact, keras_sequential, random_samples, tf, to_int16

_FOLDER = Path(__file__).resolve().parents[2] / ".." / "shared" / "models" / "breadth" / "seanet"
SEANET = {kind: sorted(p.name for p in _FOLDER.glob(f"{kind}[0-9]*.tflite")) for kind in ("conv", "transpose_conv")}


def test_seanet_conv_models_are_there():
    assert len(SEANET["conv"]) == 22 and len(SEANET["transpose_conv"]) == 5, SEANET


@pytest.mark.parametrize("name", SEANET["conv"] + SEANET["transpose_conv"])
def test_seanet_convolution_is_bit_exact(name, shared_models, tmp_path):
    model = (shared_models / "breadth" / "seanet" / name).read_bytes()
    graph = read_graph(model)
    assert "INT16" in {graph.tensor(t).dtype for t in graph.inputs}  # transpose_conv: also the shape
    kernel = "transpose_conv" if name.startswith("transpose") else "conv_2d"
    assert assert_exact(model, random_samples(model, 1, seed=len(name)), tmp_path) == {kernel}


KERAS = {
    "3x3 same": lambda L: L.Conv2D(4, 3, padding="same"),
    "3x3 valid stride 2 relu": lambda L: L.Conv2D(5, 3, strides=2, activation="relu"),
    "1x5 dilation 2": lambda L: L.Conv2D(3, (1, 5), dilation_rate=2, padding="same"),
    "1x1": lambda L: L.Conv2D(6, 1),
}


@pytest.mark.parametrize("case", KERAS)
def test_keras_conv_s16_is_bit_exact(case, tmp_path):
    model = to_int16(keras_sequential((9, 11, 3), KERAS[case](tf().keras.layers)), seed=len(case))
    graph = read_graph(model)
    assert [op.kind for op in graph.ops] == ["CONV_2D"]
    assert assert_exact(model, random_samples(model, 3, seed=1), tmp_path) == {"conv_2d"}


DENSE = {"dense": lambda L: L.Dense(7), "dense relu": lambda L: L.Dense(5, activation="relu")}


@pytest.mark.parametrize("case", DENSE)
@pytest.mark.parametrize("shape", [(24,), (3, 10)])
def test_keras_dense_s16_is_bit_exact(case, shape, tmp_path):
    model = to_int16(keras_sequential(shape, DENSE[case](tf().keras.layers)), seed=len(case) + len(shape))
    graph = read_graph(model)
    assert "FULLY_CONNECTED" in [op.kind for op in graph.ops]
    assert "conv_2d" in assert_exact(model, random_samples(model, 3, seed=2), tmp_path)
