"""INT4 weights (TFLite's packed INT4 filters): int8 models re-quantized to int4 weights by
mcugen.convert.int4_weights, bit for bit against tflite-micro, weights packed in flash."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.convert.int4_weights import to_int4_weights
from mcugen.convert.tflite_reader import read_graph
from mcugen.ir import pack_int4, unpack_int4
from mcugen.ops import lower_graph
from tests.support.oracle import assert_exact, keras_sequential, random_samples, tf, to_int8


def test_pack_unpack_round_trip():
    values = np.arange(-8, 8, dtype=np.int8)
    for n in (1, 7, 16):
        assert unpack_int4(pack_int4(values[:n]), n).tolist() == values[:n].tolist()
    assert pack_int4(np.array([1, -1])) == bytes([0xF1])  # low nibble first


def _dense(units: int, depth: int, per_channel: bool):
    k = tf().keras
    return to_int8(keras_sequential((depth,), k.layers.Dense(units, activation="relu")),
                   per_channel=per_channel)


@pytest.mark.parametrize("units,depth,per_channel", [(10, 33, True), (7, 16, False), (1, 5, True)],
                         ids=["odd-depth", "per-tensor", "one-unit"])
def test_fully_connected_int4_bit_exact(units, depth, per_channel, tmp_path):
    model = to_int4_weights(_dense(units, depth, per_channel))
    graph = read_graph(model)
    assert any(t.dtype == "INT4" for t in graph.tensors)
    assert [c.function for c in lower_graph(graph)] == ["mg_fully_connected_s4"]
    assert_exact(model, random_samples(model, 8, seed=3), tmp_path)
    # the DSP board keeps the portable packed kernel (no DSP int4 kernel yet): still exact
    assert_exact(model, random_samples(model, 4, seed=4), tmp_path / "dsp", variant="dsp")


def test_int4_weights_are_half_the_flash():
    int8 = _dense(64, 128, True)
    int4 = to_int4_weights(int8)
    g8, g4 = read_graph(int8), read_graph(int4)
    w8 = sum(t.nbytes for t in g8.tensors if t.is_constant and t.dtype == "INT8")
    w4 = sum(t.nbytes for t in g4.tensors if t.is_constant and t.dtype == "INT4")
    assert w4 == (w8 + 1) // 2
    lower_graph(g4)  # supported
    generated8, generated4 = _weight_bytes(int8), _weight_bytes(int4)  # weights + bias + multipliers
    assert generated4 < 0.6 * generated8, (generated8, generated4)


@pytest.mark.parametrize("filters,kernel,strides,padding,in_c", [
    (6, 3, 1, "same", 3), (5, 1, 1, "valid", 4), (4, 3, 2, "valid", 5)], ids=["3x3-same", "1x1", "strided"])
def test_conv_2d_int4_bit_exact(filters, kernel, strides, padding, in_c, tmp_path):
    k = tf().keras
    int8 = to_int8(keras_sequential((7, 6, in_c), k.layers.Conv2D(filters, kernel, strides, padding,
                                                                     activation="relu")))
    model = to_int4_weights(int8)
    graph = read_graph(model)
    assert [c.function for c in lower_graph(graph)] == ["mg_conv_2d_s4"]
    assert_exact(model, random_samples(model, 6, seed=5), tmp_path)
    assert_exact(model, random_samples(model, 3, seed=6), tmp_path / "dsp", variant="dsp")


@pytest.mark.parametrize("multiplier,kernel,strides,padding", [(1, 3, 1, "same"), (2, 3, 2, "valid")],
                         ids=["3x3-same", "multiplier-2-strided"])
def test_depthwise_conv_2d_int4_bit_exact(multiplier, kernel, strides, padding, tmp_path):
    k = tf().keras
    int8 = to_int8(keras_sequential((6, 7, 5), k.layers.DepthwiseConv2D(
        kernel, strides, padding, depth_multiplier=multiplier, activation="relu")))
    model = to_int4_weights(int8)
    graph = read_graph(model)
    assert [c.function for c in lower_graph(graph)] == ["mg_depthwise_conv_2d_s4"]
    assert_exact(model, random_samples(model, 6, seed=7), tmp_path)
    assert_exact(model, random_samples(model, 3, seed=8), tmp_path / "dsp", variant="dsp")


def _weight_bytes(model: bytes) -> int:
    from mcugen import pipeline
    return pipeline.generate(read_graph(model)).sources.weight_bytes


@pytest.mark.slow
def test_ad_model_in_int4_is_bit_exact_in_about_half_the_flash(shared_models, tmp_path):
    """MLPerf Tiny AD (dense layers only): generated weights 270,930 -> 138,834 bytes."""
    int8 = (shared_models / "ad" / "ad01_int8.tflite").read_bytes()
    int4 = to_int4_weights(int8)
    w8, w4 = _weight_bytes(int8), _weight_bytes(int4)
    assert 0.45 < w4 / w8 < 0.55, (w8, w4)
    assert len(int4) < 0.55 * len(int8)  # the int8 buffers are replaced, not kept beside
    assert_exact(int4, random_samples(int4, 6, seed=2), tmp_path)


def test_convert_cli_writes_int4_weights(shared_models, tmp_path):
    from mcugen.cli import main
    out = tmp_path / "ad_int4.tflite"
    assert main(["-q", "convert", str(shared_models / "ad" / "ad01_int8.tflite"), "--weights", "int4",
                 "-o", str(out)]) == 0
    graph = read_graph(out.read_bytes())
    assert sum(t.dtype == "INT4" for t in graph.tensors) == 10
