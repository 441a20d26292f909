"""`mcugen convert --weights int4`: the int4 model's own accuracy (float vs the int4 model run on
tflite-micro, as the device computes it), with the int8 model's beside it."""
from __future__ import annotations

import math
import re

import numpy as np
import pytest

from mcugen.convert.quant_report import compare, run_int8
from mcugen.convert.tflite_reader import read_graph
from tests.faults.conftest import run_mcugen
from tests.support.oracle import tf


def _snr_db(stdout: str, quantized: str) -> float:
    """The SNR of the one output row under the table titled 'float vs <quantized> ...'."""
    table = stdout.split(f"float vs {quantized} on 16 calibration samples", 1)[1]
    return float(re.search(r"│ values │.*?│\s*([-\d.]+) dB", table).group(1))


@pytest.mark.slow
def test_convert_int4_reports_the_int4_model_beside_int8(tmp_path):
    k = tf().keras
    k.utils.set_random_seed(0)
    layers = k.layers
    model = k.Sequential([k.Input((12, 12, 2)), layers.Conv2D(8, 3, activation="relu"),
                          layers.DepthwiseConv2D(3, activation="relu"), layers.Flatten(),
                          layers.Dense(16, activation="relu"), layers.Dense(4)])
    model.save(tmp_path / "den.keras")
    calib = np.random.default_rng(0).uniform(-1, 1, (16, 12, 12, 2)).astype(np.float32)
    np.save(tmp_path / "calib.npy", calib)
    proc = run_mcugen("convert", "den.keras", "-c", "calib.npy", "--weights", "int4", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "not measured" not in proc.stdout + proc.stderr
    int4_db, int8_db = _snr_db(proc.stdout, "int4"), _snr_db(proc.stdout, "int8")
    # 4 bits less per weight: well below int8 (here 18.2 vs 38.5 dB), yet far from noise
    assert 10 < int4_db < int8_db - 10, (int4_db, int8_db)

    tflite = (tmp_path / "den_int4.tflite").read_bytes()
    graph = read_graph(tflite)
    assert sum(t.dtype == "INT4" for t in graph.tensors) == 4
    # the figure is the int4 model's: LiteRT's reference kernels, which differ from tflite-micro
    # on int4 weights only in a few rounding steps, give nearly the same SNR on the same samples
    litert = run_int8(tflite, graph, [calib])[0]
    quality = compare("out", model.predict(calib, verbose=0), litert)
    assert not math.isinf(quality.snr_db) and abs(quality.snr_db - int4_db) < 1.0, (quality.snr_db, int4_db)


def test_int4_of_an_int8_tflite_says_there_is_nothing_to_compare(shared_models, tmp_path):
    proc = run_mcugen("convert", str(shared_models / "ad" / "ad01_int8.tflite"), "--weights", "int4",
                      cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "weights re-quantized to int4 (no float model to compare with)" in proc.stderr
    graph = read_graph((tmp_path / "ad01_int8_int4.tflite").read_bytes())
    assert sum(t.dtype == "INT4" for t in graph.tensors) == 10
