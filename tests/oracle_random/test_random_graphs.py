"""Hypothesis over small multi-op graphs: a stem convolution, a body of randomly chosen blocks
(depthwise, pooling, residual add, concatenation, elementwise multiply, activations, padding),
a global mean or flatten and a dense head with an optional softmax; and float-I/O models that
add QUANTIZE/DEQUANTIZE. Both arena plans; random and extreme int8 inputs."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mcugen.convert.tflite_reader import read_graph

from mcugen.ops.variants import VARIANTS

from tests.support.oracle import assert_exact, examples, random_samples, ranges, tf, to_int8

pytestmark = pytest.mark.slow  # each test converts and compiles a few dozen models
SAMPLES = 6
BLOCKS = ("depthwise", "maxpool", "avgpool", "residual", "concat", "gate", "hard_swish", "pad",
          "leaky", "conv_relu6")


def _block(L, x, kind, width):
    """One body block on NHWC tensor `x` with `width` channels; returns (y, channels of y)."""
    if kind == "depthwise":
        return L.DepthwiseConv2D(3, padding="same", activation="relu")(x), width
    if kind == "maxpool":
        return L.MaxPooling2D(2, padding="same")(x), width
    if kind == "avgpool":
        return L.AveragePooling2D(2, strides=1, padding="same")(x), width
    if kind == "residual":
        return L.ReLU()(L.Add()([x, L.Conv2D(width, 1)(x)])), width
    if kind == "concat":
        return L.Concatenate()([x, L.Conv2D(2, 1, activation="relu")(x)]), width + 2
    if kind == "gate":  # squeeze-and-excitation style: broadcast multiply by a sigmoid gate
        gate = L.Dense(width, activation="sigmoid")(L.GlobalAveragePooling2D(keepdims=True)(x))
        return L.Multiply()([x, gate]), width
    if kind == "hard_swish":
        return L.Activation("hard_swish")(L.Conv2D(width, 1)(x)), width
    if kind == "pad":
        return L.ZeroPadding2D(1)(x), width
    if kind == "leaky":
        return L.LeakyReLU(negative_slope=0.2)(L.Subtract()([x, L.Conv2D(width, 1)(x)])), width
    return L.Conv2D(width, 3, padding="same", activation="relu6")(x), width


@examples(10)
@given(h=st.integers(4, 10), w=st.integers(4, 10), cin=st.integers(1, 3), width=st.integers(2, 6),
       stride=st.integers(1, 2), blocks=st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=4),
       head=st.sampled_from(["mean", "flatten"]), softmax=st.booleans(), rng=ranges,
       variant=st.sampled_from(VARIANTS))
def test_small_network(tmp_path_factory, h, w, cin, width, stride, blocks, head, softmax, rng,
                       variant):
    k = tf().keras
    L = k.layers
    x = k.Input((h, w, cin), batch_size=1)
    y = L.Conv2D(width, 3, strides=stride, padding="same", activation="relu")(x)
    channels = width
    for kind in blocks:
        y, channels = _block(L, y, kind, channels)
    y = L.GlobalAveragePooling2D()(y) if head == "mean" else L.Flatten()(y)
    y = L.Dense(5, activation="softmax" if softmax else None)(y)
    tflite = to_int8(k.Model(x, y), low=rng[0], high=rng[1])
    graph = read_graph(tflite)
    t = graph.tensor(graph.inputs[0])
    extremes = [[np.full(t.shape, v, dtype=np.int8)] for v in (-128, 127)]
    assert_exact(tflite, random_samples(tflite, SAMPLES, seed=13) + extremes,
                 tmp_path_factory.mktemp("net"), variant=variant, may_refuse=True)


@examples(4)
@given(n=st.integers(1, 30), units=st.integers(1, 12),
       act=st.sampled_from([None, "relu", "sigmoid", "tanh"]), rng=ranges,
       spread=st.sampled_from([0.5, 4.0, 100.0]))
def test_float_io_model(tmp_path_factory, n, units, act, rng, spread):
    k = tf().keras
    model = k.Sequential([k.Input((n,), batch_size=1), k.layers.Dense(units, activation=act)])
    tflite = to_int8(model, float_io=True, low=rng[0], high=rng[1])
    kinds = [op.kind for op in read_graph(tflite).ops]
    assert kinds[0] == "QUANTIZE" and kinds[-1] == "DEQUANTIZE", kinds
    assert_exact(tflite, random_samples(tflite, SAMPLES, seed=17, low=-spread, high=spread),
                 tmp_path_factory.mktemp("fio"), may_refuse=True)
