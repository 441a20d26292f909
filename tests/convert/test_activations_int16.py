"""`mcugen convert --activations int16`: a Keras model to a 16x8 .tflite (int16 activations and
I/O, int8 weights), with the float-vs-16x8 report and the int8 one beside it, and mcugen runs the
result bit-exact with tflite-micro."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.convert.tflite_reader import read_graph
from tests.faults.conftest import run_mcugen
from tests.support.oracle import assert_exact, random_samples, tf


@pytest.mark.slow
def test_convert_16x8_reports_both_and_runs_bit_exact(tmp_path):
    k = tf().keras
    layers = k.layers
    model = k.Sequential([k.Input((12, 12, 1)), layers.Conv2D(4, 3, activation="relu"), layers.MaxPooling2D(2),
                          layers.Flatten(), layers.Dense(3), layers.Activation("tanh")])
    model.save(tmp_path / "den.keras")
    np.save(tmp_path / "calib.npy", np.random.default_rng(0).uniform(-1, 1, (16, 12, 12, 1)).astype(np.float32))
    proc = run_mcugen("convert", "den.keras", "-c", "calib.npy", "--activations", "int16", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "float vs 16x8 on 16 calibration samples" in proc.stdout
    assert "float vs int8 on 16 calibration samples" in proc.stdout  # int8 beside it
    out = tmp_path / "den_16x8.tflite"
    graph = read_graph(out.read_bytes())
    assert {graph.tensor(t).dtype for t in (*graph.inputs, *graph.outputs)} == {"INT16"}
    assert "int16 I/O" in proc.stderr
    tflite = out.read_bytes()
    assert {"conv_2d", "max_pool_2d", "tanh"} <= assert_exact(tflite, random_samples(tflite, 3, seed=1), tmp_path)


def test_int16_activations_and_int4_weights_together_are_refused(tmp_path):
    proc = run_mcugen("convert", "missing.keras", "--activations", "int16", "--weights", "int4", cwd=tmp_path)
    assert proc.returncode == 2 and "no 16x4 kernels" in proc.stderr and "Traceback" not in proc.stderr
