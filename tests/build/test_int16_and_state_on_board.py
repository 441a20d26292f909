"""16x8 models (int16 activations) and models with persistent state build and run bit-exact under
QEMU (mps2_an386): the self-test firmware bakes in tflite-micro's outputs, and for a model with
state a stream of frames, in order, from a reset state."""
from __future__ import annotations

import re

import pytest

from mcugen.convert.tflite_reader import read_graph
from mcugen.project.api import build
from mcugen.project.files import selftest_sample_count
from tests.support.oracle import tf, to_int16


def _passed_all(result, graph) -> bool:
    found = re.match(r"mcugen-selftest: PASS (\d+)/(\d+) samples bit-exact", result.run.result_line)
    return bool(found) and found.group(1) == found.group(2) == str(selftest_sample_count(graph))


@pytest.mark.slow
def test_a_16x8_model_runs_bit_exact_on_mps2_an386(tmp_path):
    k = tf().keras
    x = k.Input((8, 8, 3), batch_size=1)
    y = k.layers.Activation("tanh")(x)
    y = k.layers.AveragePooling2D(2)(y)
    y = k.layers.MaxPooling2D(2)(y)
    y = k.layers.Activation("sigmoid")(k.layers.GlobalAveragePooling2D()(y))
    path = tmp_path / "mix16.tflite"
    path.write_bytes(to_int16(k.Model(x, y)))
    graph = read_graph(path.read_bytes())
    assert {graph.tensor(t).dtype for t in graph.activation_ids} == {"INT16"}
    result = build(path, "mps2_an386", tmp_path / "fw", run=True, selftest_only=True)
    assert result.run is not None and result.run.passed, result.run.console if result.run else ""
    assert _passed_all(result, graph)


SEANET_ON_BOARD = ["conv3.tflite", "transpose_conv1.tflite", "add1.tflite", "sub0.tflite", "leaky_relu5.tflite",
                   "pad2.tflite", "strided_slice7.tflite", "quantize0.tflite"]


@pytest.mark.slow
@pytest.mark.parametrize("name", SEANET_ON_BOARD)
def test_seanet_models_run_bit_exact_on_mps2_an386(name, shared_models, tmp_path):
    """One model of every SEANet op family under QEMU (benchmarks/breadth.py runs all 127)."""
    path = shared_models / "breadth" / "seanet" / name
    graph = read_graph(path.read_bytes())
    result = build(path, "mps2_an386", tmp_path / "fw", run=True, selftest_only=True)
    assert result.run is not None and result.run.passed, result.run.console if result.run else ""
    assert _passed_all(result, graph)


@pytest.mark.slow
def test_the_svdf_keyword_model_streams_bit_exact_on_mps2_an386(shared_models, tmp_path):
    """keyword_scrambled: int16 input, 7 SVDF layers whose int8 state is kept between invokes,
    SOFTMAX int8 -> int16, int32 output: a stream of 12 frames from a reset state, as tflite-micro."""
    path = shared_models / "breadth" / "keyword_scrambled_8bit.tflite"
    graph = read_graph(path.read_bytes())
    assert len(graph.state_ids) == 7 and selftest_sample_count(graph) == 12
    result = build(path, "mps2_an386", tmp_path / "fw", run=True, selftest_only=True)
    assert result.run is not None and result.run.passed, result.run.console if result.run else ""
    assert _passed_all(result, graph) and result.state_bytes == 5120
