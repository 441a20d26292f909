"""DEPTHWISE_CONV_2D on 16x8 models (int16 activations, int8 per-channel weights, int64 bias):
Keras DepthwiseConv2D layers converted by TensorFlow's 16x8 mode (depth multipliers, strides,
dilation, SAME/VALID, fused activations), bit-exact with tflite-micro under both arena plans on
random int16 inputs over the whole range and on quieter ones (outputs away from saturation)."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mcugen.convert.tflite_reader import read_graph
from mcugen.ops import lower_graph, unsupported_reason
from tests.support.oracle import assert_exact, examples, random_samples, seeded_model, to_int16

CASES = {
    "3x3 same": dict(kernel_size=3, padding="same"),
    "3x3 valid multiplier 2 relu": dict(kernel_size=3, depth_multiplier=2, activation="relu"),
    "3x2 same stride 2 multiplier 3": dict(kernel_size=(3, 2), strides=2, padding="same", depth_multiplier=3),
    "2x3 valid stride (2, 1) relu6": dict(kernel_size=(2, 3), strides=(2, 1), activation="relu6"),
    "3x3 same dilation 2": dict(kernel_size=3, dilation_rate=2, padding="same"),
    "1x5 valid dilation (1, 2) multiplier 2": dict(kernel_size=(1, 5), dilation_rate=(1, 2), depth_multiplier=2),
}


def depthwise_model(shape: tuple[int, ...], options: dict, seed: int) -> bytes:
    model, rng = seeded_model(lambda k, x: k.layers.DepthwiseConv2D(**options)(x), shape, seed)
    return to_int16(model, rng=rng)


def samples(model: bytes, count: int, seed: int) -> list:
    """Half over the whole int16 range (sums and saturation at their extremes), half 64 times
    quieter (outputs inside the range, where every rounding shows)."""
    loud = random_samples(model, count, seed)
    return loud + [[(x // 64).astype(np.int16) for x in sample] for sample in loud[: count // 2]]


@pytest.mark.parametrize("case", CASES)
def test_keras_depthwise_s16_is_bit_exact(case, tmp_path):
    model = depthwise_model((9, 11, 3), CASES[case], seed=len(case))
    graph = read_graph(model)
    assert [op.kind for op in graph.ops] == ["DEPTHWISE_CONV_2D"]
    assert graph.tensor(graph.ops[0].inputs[2]).dtype == "INT64"
    assert assert_exact(model, samples(model, 4, seed=1), tmp_path) == {"conv_2d"}


@examples(6)
@given(data=st.data())
def test_random_depthwise_s16_is_bit_exact(data, tmp_path_factory):
    """Drawn geometry: Keras takes strides or dilation, not both."""
    h, w, c = data.draw(st.integers(3, 9)), data.draw(st.integers(3, 9)), data.draw(st.integers(1, 5))
    kh, kw = data.draw(st.integers(1, min(h, 3))), data.draw(st.integers(1, min(w, 3)))
    options = dict(kernel_size=(kh, kw), depth_multiplier=data.draw(st.integers(1, 3)),
                   padding=data.draw(st.sampled_from(["same", "valid"])),
                   activation=data.draw(st.sampled_from([None, "relu", "relu6"])))
    if data.draw(st.booleans()):
        options["strides"] = (data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3)))
    elif kh * 2 - 1 <= h and kw * 2 - 1 <= w:
        options["dilation_rate"] = (data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2)))
    model = depthwise_model((h, w, c), options, seed=data.draw(st.integers(0, 1000)))
    assert assert_exact(model, samples(model, 4, seed=2), tmp_path_factory.mktemp("dw16")) == {"conv_2d"}


def test_depthwise_s16_refusals():
    """tflite-micro's int16 depthwise reads its bias as int64 (an int32 one would be read past its
    end) and ignores zero points: mcugen refuses both, saying why."""
    model = depthwise_model((5, 5, 2), dict(kernel_size=3), seed=0)
    graph = read_graph(model)
    (op,) = graph.ops
    assert unsupported_reason(graph, op) is None
    assert [call.function for call in lower_graph(graph)] == ["mg_conv_2d_s16"]

    def changed(tid, **fields):
        tensors = list(graph.tensors)
        tensors[tid] = replace(tensors[tid], **fields)
        return replace(graph, tensors=tuple(tensors))

    bias = graph.tensor(op.inputs[2])
    assert "int64" in unsupported_reason(changed(bias.id, dtype="INT32"), op)
    out = graph.tensor(op.outputs[0])
    shifted = replace(out.quant, zero_points=(5,))
    assert "zero point 5" in unsupported_reason(changed(out.id, quant=shifted), op)
