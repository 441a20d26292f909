"""INT4 weights (TFLite's packed INT4 filters): int8 models re-quantized to int4 weights by
mcugen.convert.int4_weights, bit for bit against tflite-micro, weights packed in flash; with the
portable `_s4` kernels and the dsp variant's (mcugen/ops/int4_dsp.py, their plain-C form here)."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.convert.int4_weights import to_int4_weights
from mcugen.convert.tflite_reader import read_graph
from mcugen.ir import pack_int4, unpack_int4
from mcugen.ops import lower_graph
from mcugen.ops.variants import specialise
from tests.kernel_variants.test_dsp_host import random_chain
from tests.support.oracle import assert_exact, keras_sequential, random_samples, tf, to_int8


def _functions(model: bytes, variant: str) -> set[str]:
    graph = read_graph(model)
    return {c.function for c in specialise(graph, lower_graph(graph), variant)}


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
    assert _functions(model, "dsp") == {"mg_fully_connected_dsp_s4"}
    assert_exact(model, random_samples(model, 4, seed=4), tmp_path / "dsp", variant="dsp")


def test_fully_connected_int4_rows_bit_exact(tmp_path):
    """A 2-D input: several rows per invoke, each with its own sum in the dsp kernel."""
    k = tf().keras
    model = to_int4_weights(to_int8(keras_sequential((3, 21), k.layers.Dense(6))))
    graph = read_graph(model)
    [call] = specialise(graph, lower_graph(graph), "dsp")
    assert call.function == "mg_fully_connected_dsp_s4" and call.param("batches") == 3
    assert_exact(model, random_samples(model, 6, seed=9), tmp_path, variant="dsp")


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
    assert _functions(model, "dsp") == {"mg_conv_2d_dsp_s4"}
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
    # 5 channels (or a multiplier of 2): the dsp board keeps the portable packed kernel
    assert _functions(model, "dsp") == {"mg_depthwise_conv_2d_s4"}
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
    assert _functions(int4, "dsp") == {"mg_fully_connected_dsp_s4"}
    assert_exact(int4, random_samples(int4, 3, seed=3), tmp_path / "dsp", plans=(True,), variant="dsp")


def _with_minus_eight(model: bytes) -> bytes:
    """`model` with every 5th byte of its INT4 filters' low nibble set to -8: TFLite's INT4 range
    is [-8, 7] while mcugen's converter writes [-7, 7], and -8 is the dsp layouts' extreme nibble."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    m = schema.ModelT.InitFromPackedBuf(bytearray(model), 0)
    for t in m.subgraphs[0].tensors:
        if t.type == schema.TensorType.INT4:
            data = np.asarray(m.buffers[t.buffer].data, np.uint8)
            data[::5] = (data[::5] & 0xF0) | 0x08
            m.buffers[t.buffer].data = data.tolist()
    builder = flatbuffers.Builder(len(model) + 1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


DSP_S4 = {"mg_conv_2d_dsp_s4", "mg_depthwise_conv_2d_dsp_s4", "mg_fully_connected_dsp_s4"}


@pytest.mark.parametrize("seed", [0, pytest.param(1, marks=pytest.mark.slow)])
def test_dsp_int4_kernels_bit_exact(seed, tmp_path):
    """The int8 dsp suite's random chain (odd channel counts and widths, ragged tap counts, both
    column gathers, padding, strides, dilation, 4/9/25-tap depthwise, dense layers) in int4."""
    model = _with_minus_eight(to_int4_weights(random_chain(seed)))
    assert DSP_S4 <= _functions(model, "dsp")
    assert_exact(model, random_samples(model, 6, seed=seed), tmp_path, variant="dsp")


def test_dsp_int4_exact_output_stage(tmp_path, monkeypatch):
    """Real weights nearly always qualify for the lean output stage; force the general one."""
    import mcugen.ops.variants as variants

    monkeypatch.setattr(variants, "lean_requant", lambda call, bound: False)
    model = to_int4_weights(random_chain(3))
    assert DSP_S4 <= _functions(model, "dsp")
    assert_exact(model, random_samples(model, 3, seed=3), tmp_path, plans=(True,), variant="dsp")


def test_convert_cli_writes_int4_weights(shared_models, tmp_path):
    from mcugen.cli import main
    out = tmp_path / "ad_int4.tflite"
    assert main(["-q", "convert", str(shared_models / "ad" / "ad01_int8.tflite"), "--weights", "int4",
                 "-o", str(out)]) == 0
    graph = read_graph(out.read_bytes())
    assert sum(t.dtype == "INT4" for t in graph.tensors) == 10
