"""The example model mcugen trains itself: deterministic, learns its task, converts to a KWS-like int8 model."""
from __future__ import annotations

import json
from collections import Counter

import numpy as np
import pytest

from mcugen.cli import main
from mcugen.convert import convert_model
from mcugen.convert.quant_report import run_int8
from mcugen.convert.tflite_reader import read_graph
from mcugen.example import CLASSES, INPUT_SHAPE, synthetic_mfcc

KWS_LIKE_OPS = {"CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "AVERAGE_POOL_2D", "FULLY_CONNECTED", "SOFTMAX"}


@pytest.fixture(scope="module")
def converted(example_files):
    return convert_model(example_files.model, example_files.calibration, example_files.validation)


def test_synthetic_data_is_seeded_and_labelled():
    x, y = synthetic_mfcc(16, seed=5)
    x2, y2 = synthetic_mfcc(16, seed=5)
    assert x.shape == (16, *INPUT_SHAPE) and x.dtype == np.float32
    np.testing.assert_array_equal(x, x2)
    np.testing.assert_array_equal(y, y2)
    assert set(np.unique(y)) <= set(range(len(CLASSES)))
    assert not np.array_equal(x, synthetic_mfcc(16, seed=6)[0])


def test_example_files(example_files):
    assert example_files.model.suffix == ".keras" and example_files.model.stat().st_size > 0
    assert np.load(example_files.calibration).shape == (64, *INPUT_SHAPE)
    assert np.load(example_files.validation).shape[0] == np.load(example_files.validation_labels).shape[0]
    assert example_files.train_accuracy >= 0.95


def test_converted_example_is_kws_like_int8(converted):
    graph = converted.graph
    assert {op.kind for op in graph.ops} == KWS_LIKE_OPS
    assert all(graph.tensors[t].dtype == "INT8" for t in graph.inputs + graph.outputs)
    assert graph.tensors[graph.inputs[0]].shape == (1, *INPUT_SHAPE)
    assert converted.source_kind == "keras3" and not converted.synthetic_calibration
    (quality,) = converted.report.outputs
    assert converted.report.data == "validation" and quality.classifier
    assert quality.top1_agreement >= 0.95


def test_int8_example_still_solves_its_task(converted, example_files):
    x_val = np.load(example_files.validation)
    labels = np.load(example_files.validation_labels)
    (probs,) = run_int8(converted.tflite, converted.graph, [x_val])
    assert np.mean(probs.argmax(axis=1) == labels) >= 0.9


@pytest.mark.slow
def test_training_is_deterministic(tmp_path, example_files):
    """A second training run (same process, other directory) gives the session's model exactly."""
    import keras

    from mcugen.example import make_example

    again = make_example(tmp_path)
    first = keras.models.load_model(example_files.model, compile=False).get_weights()
    second = keras.models.load_model(again.model, compile=False).get_weights()
    assert len(first) == len(second) > 0
    assert all(np.array_equal(x, y) for x, y in zip(first, second))
    for name in ("calibration", "validation", "validation_labels"):
        assert getattr(again, name).read_bytes() == getattr(example_files, name).read_bytes()


def test_cli_convert_writes_int8_model_and_report(tmp_path, capsys, example_files):
    out = tmp_path / "deep" / "kws_int8.tflite"
    assert main(["convert", str(example_files.model), "-c", str(example_files.calibration),
                 "--validation", str(example_files.validation), "-o", str(out)]) == 0
    captured = capsys.readouterr()
    assert "top-1 agreement" in captured.out and "validation samples" in captured.out
    assert "[4/4] write" in captured.err and "warning" not in captured.err
    graph = read_graph(out.read_bytes())
    assert {op.kind for op in graph.ops} == KWS_LIKE_OPS
    assert oct(out.stat().st_mode & 0o777) != oct(0o600)


def test_cli_inspect_of_a_keras_model_converts_first_with_a_warning(capsys, example_files):
    assert main(["inspect", str(example_files.model), "--json"]) == 0
    captured = capsys.readouterr()
    data = json.loads(captured.out)  # stdout stays pure JSON; the warning goes to stderr
    assert "synthetic" in captured.err and "UNKNOWN" in captured.err
    assert Counter(o["op"] for o in data["ops"]) == Counter(data["totals"]["op_counts"])
    assert set(data["totals"]["op_counts"]) == KWS_LIKE_OPS
    assert data["totals"]["macs"] > 0 and data["totals"]["params"] > 0


def test_demo_steps_after_training(tmp_path, example_files):
    from mcugen.cli.demo import STEPS, DemoRun
    from mcugen.report import Reporter

    run = DemoRun(out_dir=tmp_path, board="mps2_an386", reporter=Reporter(quiet=True))
    run.artifacts["example"] = example_files
    names = [name for name, _, _ in STEPS]
    assert names[:3] == ["train", "convert", "inspect"]
    for name, _, step in STEPS[1:3]:
        assert step(run)
    written = read_graph((tmp_path / "kws_example_int8.tflite").read_bytes())
    data = json.loads((tmp_path / "inspect.json").read_text())
    assert data["sha256"] == written.sha256 and data["totals"]["ops"] == len(written.ops)


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Keras' own numpy-2 note when writing .h5
def test_keras3_h5_loads_with_keras3(tmp_path, example_files):
    import keras

    h5 = tmp_path / "example.h5"
    keras.models.load_model(example_files.model, compile=False).save(h5)
    result = convert_model(h5, example_files.calibration)
    assert result.source_kind == "keras3"
    assert {op.kind for op in result.graph.ops} == KWS_LIKE_OPS


def test_conversion_is_reproducible(converted, example_files):
    """Same model and calibration, same bytes: the sha256 baked into generated code is stable."""
    again = convert_model(example_files.model, example_files.calibration)
    assert again.tflite == converted.tflite
