"""A 16x8 model with float input and output, a DEPTHWISE_CONV_2D and a SOFTMAX at the end, built
and run by `mcugen build --board mps2_an386 --run`: its self-test under QEMU is bit-exact with
tflite-micro (QUANTIZE float -> int16, the int16 kernels, DEQUANTIZE int16 -> float)."""
from __future__ import annotations

import re

import pytest

from mcugen.convert.tflite_reader import read_graph
from mcugen.project.files import selftest_sample_count
from tests.faults.conftest import run_mcugen
from tests.support.oracle import seeded_model, to_int16


@pytest.mark.slow
def test_float_io_16x8_depthwise_softmax_model_runs_bit_exact_on_mps2_an386(tmp_path):
    def build(k, x):
        y = k.layers.DepthwiseConv2D(3, depth_multiplier=2, padding="same", activation="relu")(x)
        y = k.layers.DepthwiseConv2D(3, strides=2)(y)
        return k.layers.Softmax()(y)

    model, rng = seeded_model(build, (9, 9, 3), seed=16)
    path = tmp_path / "dw_softmax16.tflite"
    path.write_bytes(to_int16(model, float_io=True, rng=rng))
    graph = read_graph(path.read_bytes())
    assert [op.kind for op in graph.ops] == ["QUANTIZE", "DEPTHWISE_CONV_2D", "DEPTHWISE_CONV_2D", "SOFTMAX",
                                             "DEQUANTIZE"]
    assert {graph.tensor(t).dtype for t in (*graph.inputs, *graph.outputs)} == {"FLOAT32"}
    proc = run_mcugen("build", str(path), "--board", "mps2_an386", "--run", "-o", str(tmp_path / "fw"),
                      cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    found = re.search(r"PASS (\d+)/(\d+) samples bit-exact", proc.stderr)
    assert found and found.group(1) == found.group(2) == str(selftest_sample_count(graph)), proc.stderr[-3000:]
