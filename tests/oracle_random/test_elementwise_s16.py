"""ADD, SUB, PAD, STRIDED_SLICE and LEAKY_RELU on 16x8 models (int16 activations): the SEANet single-op models (a real audio
network) and Keras models, bit-exact with tflite-micro under both arena plans."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.convert.tflite_reader import read_graph
from mcugen.ops.builtin.slice import reads_prefix
from tests.support.oracle import assert_exact, random_samples, tf, to_int16

SEANET = ("add", "sub", "pad", "strided_slice", "leaky_relu")
# the SEANet models are listed when the module loads: the folder is beside the repository
_FOLDER = __import__("pathlib").Path(__file__).resolve().parents[2] / ".." / "shared" / "models" / "breadth" / "seanet"
SEANET_MODELS = sorted(p.name for kind in SEANET for p in _FOLDER.glob(f"{kind}[0-9]*.tflite"))


def test_every_seanet_kind_has_models():
    for kind in SEANET:
        assert any(name.startswith(kind) for name in SEANET_MODELS), f"no SEANet {kind} model in {_FOLDER}"


@pytest.mark.parametrize("name", SEANET_MODELS)
def test_seanet_model_is_bit_exact(name, shared_models, tmp_path):
    model = (shared_models / "breadth" / "seanet" / name).read_bytes()
    graph = read_graph(model)
    assert {graph.tensor(t).dtype for t in graph.inputs} == {"INT16"}
    kernels = assert_exact(model, random_samples(model, 1, seed=len(name)), tmp_path)
    # a STRIDED_SLICE reading the input's first elements in order is a view: no code runs
    assert kernels or reads_prefix(graph, graph.ops[0]), name


def _two_inputs(shape_a, shape_b, layer):
    keras = tf().keras
    a = keras.Input(shape_a, batch_size=1, name="in0")
    b = keras.Input(shape_b, batch_size=1, name="in1")
    return keras.Model([a, b], layer([a, b]))


def _different_ranges(rng, shape):
    # the two inputs get different scales, so both rescalings matter
    return rng.uniform(-1.0, 1.0, shape) * (3.0 if shape[-1] == 4 else 0.7)


@pytest.mark.parametrize("kind, shape_b", [("add", (3, 4)), ("sub", (3, 4)), ("sub", (3, 1))])
def test_keras_add_sub_s16_is_bit_exact(kind, shape_b, tmp_path):
    layers = tf().keras.layers
    layer = layers.Add() if kind == "add" else layers.Subtract()
    model = to_int16(_two_inputs((3, 4), shape_b, layer), calibration=_different_ranges)
    graph = read_graph(model)
    assert [op.kind for op in graph.ops if op.kind != "RESHAPE"] == [kind.upper()]
    samples = random_samples(model, 2, seed=len(shape_b) + shape_b[0])
    assert kind in assert_exact(model, samples, tmp_path)


@pytest.mark.parametrize("padding", [((1, 2), (0, 3)), ((0, 0), (2, 1))])
def test_keras_pad_s16_is_bit_exact(padding, tmp_path):
    layers = tf().keras.layers
    keras = tf().keras
    model = to_int16(keras.Sequential([keras.Input((4, 3, 2), batch_size=1), layers.ZeroPadding2D(padding)]))
    assert [op.kind for op in read_graph(model).ops] == ["PAD"]
    samples = random_samples(model, 2, seed=sum(padding[0]))
    assert assert_exact(model, samples, tmp_path) == {"pad"}


def test_keras_strided_slice_s16_is_bit_exact(tmp_path):
    keras = tf().keras
    x = keras.Input((6, 5, 4), batch_size=1)
    model = to_int16(keras.Model(x, x[:, 1:6:2, ::-2, 1:3]))
    assert [op.kind for op in read_graph(model).ops] == ["STRIDED_SLICE"]
    assert assert_exact(model, random_samples(model, 2, seed=3), tmp_path) == {"strided_copy"}


@pytest.mark.parametrize("alpha", [0.2, 0.7])
def test_keras_leaky_relu_s16_is_bit_exact(alpha, tmp_path):
    keras = tf().keras
    model = to_int16(keras.Sequential([keras.Input((5, 6), batch_size=1), keras.layers.LeakyReLU(alpha)]))
    assert [op.kind for op in read_graph(model).ops] == ["LEAKY_RELU"]
    assert assert_exact(model, random_samples(model, 2, seed=7), tmp_path) == {"leaky_relu"}
