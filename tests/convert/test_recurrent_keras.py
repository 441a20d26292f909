"""Keras recurrent models with a static sequence length convert: TensorFlow's int8 converter
crashes on their loops, so mcugen rebuilds the layers unrolled with batch 1 (weights copied) and
says so. The int8 models run bit-exact on the host, and `mcugen build --run` passes its QEMU
self-test."""
from __future__ import annotations

import os
import re

import numpy as np
import pytest

from tests.faults.conftest import run_mcugen


def _keras(kind: str):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    if kind == "keras2":
        import tf_keras

        return tf_keras
    import keras

    return keras


# name -> (Keras, build(keras, input) -> output, input shape, the layers the notes must name)
MODELS = {
    "LSTM": ("keras3", lambda k, x: k.layers.Dense(2, activation="softmax")(k.layers.LSTM(8)(x)),
             (10, 4), ["LSTM"]),
    "GRU": ("keras3", lambda k, x: k.layers.Dense(2, activation="softmax")(k.layers.GRU(8)(x)), (10, 4), ["GRU"]),
    "stacked, sequences out": ("keras3", lambda k, x: k.layers.GRU(5, return_sequences=True)(
        k.layers.LSTM(6, return_sequences=True)(x)), (7, 3), ["LSTM", "GRU"]),
    "Bidirectional LSTM + SimpleRNN": ("keras3", lambda k, x: k.layers.Dense(3)(k.layers.SimpleRNN(5)(
        k.layers.Bidirectional(k.layers.LSTM(6, return_sequences=True))(x))), (12, 3), ["LSTM/LSTM", "SimpleRNN"]),
    "Keras 2 GRU": ("keras2", lambda k, x: k.layers.Dense(2)(k.layers.GRU(8)(x)), (9, 4), ["GRU"]),
}


def _save(name: str, directory) -> str:
    kind, build, shape, _ = MODELS[name]
    k = _keras(kind)
    k.utils.set_random_seed(len(name))
    x = k.Input(shape, name="x")
    path = directory / (name.replace(" ", "_").replace(",", "").replace("+", "and")
                        + (".h5" if kind == "keras2" else ".keras"))
    k.Model(x, build(k, x)).save(path)
    return str(path)


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(MODELS))
def test_recurrent_model_converts_unrolled_and_runs_bit_exact(name, tmp_path):
    from mcugen.convert.api import convert_model
    from mcugen.report import Reporter
    from tests.support.oracle import assert_exact, random_samples

    path = _save(name, tmp_path)
    rng = np.random.default_rng(1)
    calibration = tmp_path / "calibration.npy"
    np.save(calibration, rng.uniform(-1, 1, (24, *MODELS[name][2])).astype(np.float32))
    notes: list[str] = []
    rep = Reporter(quiet=True)
    rep.info = notes.append  # the notes go through Reporter.info
    result = convert_model(path, calibration, reporter=rep)
    unrolled = [n for n in notes if "unrolled over the time axis with batch 1" in n]
    assert [n.split(" layer ")[0].removeprefix("note: ") for n in unrolled] == MODELS[name][3], notes
    kinds = {op.kind for op in result.graph.ops}
    assert "WHILE" not in kinds and "UNIDIRECTIONAL_SEQUENCE_LSTM" not in kinds, kinds
    assert result.report.outputs[0].snr_db > 10, result.report  # the float weights came along
    assert_exact(result.tflite, random_samples(result.tflite, 6, seed=2), tmp_path / "exact")
    # every step re-lays the same weights for the dsp kernels: those constants are emitted once
    from mcugen import pipeline

    library = pipeline.generate(result.graph, pipeline.Target("dsp"))
    arrays = [(a.ctype, a.values) for call in library.calls for a in call.consts]
    emitted = re.findall(r"^MG_ALIGNED\(4\) (?:MG_WEIGHTS_ATTR )?const \w+ model_l\d+_\w+\[", library.sources.files["model_weights.c"],
                         re.M)
    assert len(set(arrays)) < len(arrays) and len(emitted) == len(set(arrays))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["LSTM", "GRU"])
def test_keras_recurrent_model_builds_and_runs_bit_exact_on_qemu(name, tmp_path):
    path = _save(name, tmp_path)
    proc = run_mcugen("build", path, "--board", "mps2_an386", "-o", str(tmp_path / "fw"), "--run",
                      cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert f"note: {name} " in proc.stderr and "unrolled over the time axis with batch 1" in proc.stderr
    assert "PASS 3/3 samples bit-exact with tflite-micro" in proc.stdout + proc.stderr
