"""Bad inputs: one clear line (plus a hint), exit status 2, no traceback, no output file."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from mcugen.cli import main
from mcugen.convert.tflite_reader import read_graph


def _random_bytes(n: int, seed: int) -> bytes:
    """Garbage, the same every run (a fixed seed), so each case has one expected message."""
    import numpy as np

    return np.random.default_rng(seed).bytes(n)


def _make_missing(tmp, models):
    return tmp / "nope.tflite"


def _make_truncated_tflite(tmp, models):
    path = tmp / "cut.tflite"
    path.write_bytes((models / "kws/kws_ref_model.tflite").read_bytes()[:20000])
    return path


def _make_random_tflite(tmp, models):
    path = tmp / "random.tflite"
    path.write_bytes(_random_bytes(4096, seed=1))
    return path


def _make_random_no_suffix(tmp, models):
    path = tmp / "blob"
    path.write_bytes(b"\x00\x00\x00\x00TFL3" + _random_bytes(4096, seed=2))  # right identifier, garbage after
    return path


def _make_text(tmp, models):
    path = tmp / "model.txt"
    path.write_text("this is not a model\n")
    return path


def _make_empty_file(tmp, models):
    path = tmp / "empty.h5"
    path.write_bytes(b"")
    return path


def _make_empty_dir(tmp, models):
    path = tmp / "emptydir"
    path.mkdir()
    return path


def _make_other_dir(tmp, models):
    path = tmp / "photos"
    path.mkdir()
    (path / "a.jpg").write_bytes(b"\xff\xd8")
    return path


def _make_random_h5(tmp, models):
    path = tmp / "random.h5"
    path.write_bytes(_random_bytes(2048, seed=3))
    return path


def _make_float_op(tmp, models):
    """hello_world with the tensor between its first two FULLY_CONNECTED ops turned FLOAT32."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    buf = (models / "hello_world/hello_world_int8.tflite").read_bytes()
    model = schema.ModelT.InitFromPackedBuf(bytearray(buf), 0)
    sg = model.subgraphs[0]
    sg.tensors[sg.operators[0].outputs[0]].type = schema.TensorType.FLOAT32
    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    path = tmp / "mixed.tflite"
    path.write_bytes(bytes(builder.Output()))
    read_graph(path.read_bytes())  # still a readable model: the refusal must come from the int8 check
    return path


def _make_corrupt_saved_model(tmp, models):
    path = tmp / "saved"
    path.mkdir()
    (path / "saved_model.pb").write_bytes(_random_bytes(3000, seed=4))
    return path


def _make_weights_only_h5(tmp, models):
    import h5py

    path = tmp / "weights.h5"
    with h5py.File(path, "w") as f:  # an HDF5 file, but no Keras model config in it
        f.create_dataset("dense/kernel", data=[[1.0, 2.0]])
    return path


CASES = {
    "missing file": (_make_missing, "no such file"),
    "truncated tflite": (_make_truncated_tflite, "corrupt or truncated"),
    "random bytes .tflite": (_make_random_tflite, "not a valid .tflite"),
    "random bytes with TFL3 id": (_make_random_no_suffix, "the TFLite file has no subgraph"),
    "unknown format": (_make_text, "unknown model format"),
    "empty file": (_make_empty_file, "empty"),
    "empty directory": (_make_empty_dir, "directory is empty"),
    "directory that is not a SavedModel": (_make_other_dir, "not a SavedModel"),
    "random bytes .h5": (_make_random_h5, "not a valid .h5"),
    "int8 model with a float op": (_make_float_op, r"not computed in int8: op 0 FULLY_CONNECTED"),
    "corrupt SavedModel": (_make_corrupt_saved_model, "TensorFlow cannot load this SavedModel"),
    "HDF5 without a Keras model": (_make_weights_only_h5, "Keras cannot load this model"),
}


def _assert_one_clear_error(stderr: str, pattern: str) -> None:
    import re

    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    # progress lines ("[1/4] load ...") and warnings may come first; then one error and its hint
    errors = [i for i, line in enumerate(lines) if line.startswith("error: ")]
    assert len(errors) == 1, stderr
    assert all(re.match(r"\[\d+/\d+\] |warning: ", line) for line in lines[:errors[0]]), stderr
    assert re.search(pattern, lines[errors[0]]), lines[errors[0]]
    assert all(line.startswith("  hint: ") for line in lines[errors[0] + 1:]), stderr


# readable models that `inspect` shows (with "no" in the supported column) rather than refuses:
# tests/faults/test_messages.py
INSPECT_SHOWS = {"int8 model with a float op"}


@pytest.mark.parametrize("command,case", [(command, case) for command in ("convert", "inspect")
                                          for case in sorted(CASES)
                                          if not (command == "inspect" and case in INSPECT_SHOWS)])
def test_bad_model_exit_2_one_line_nothing_written(tmp_path, capsys, shared_models, case, command):
    make, pattern = CASES[case]
    model = make(tmp_path, shared_models)
    out = tmp_path / "out" / "result.tflite"
    argv = [command, str(model)] + (["-o", str(out)] if command == "convert" else [])
    before = set(os.listdir(tmp_path))
    assert main(argv) == 2
    captured = capsys.readouterr()
    _assert_one_clear_error(captured.err, pattern)
    assert captured.out == ""
    assert not out.exists() and not out.parent.exists()
    assert set(os.listdir(tmp_path)) == before


def test_bad_calibration_data_exit_2(tmp_path, capsys, example_files):
    import numpy as np

    bad = tmp_path / "images.npy"
    np.save(bad, np.zeros((4, 32, 32, 3), np.float32))
    out = tmp_path / "x.tflite"
    assert main(["convert", str(example_files.model), "-c", str(bad), "-o", str(out)]) == 2
    _assert_one_clear_error(capsys.readouterr().err, r"does not fit the model input \(49, 10, 1\)")
    assert not out.exists()


def test_float_tflite_is_refused_with_a_pointer_to_the_source(tmp_path, capsys, example_files):
    """A real float .tflite, made by TensorFlow from the example model without quantization."""
    import os as _os

    _os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras
    import tensorflow as tf

    model = keras.models.load_model(example_files.model, compile=False)
    path = tmp_path / "float.tflite"
    path.write_bytes(tf.lite.TFLiteConverter.from_keras_model(model).convert())
    capsys.readouterr()
    out = tmp_path / "x.tflite"
    assert main(["convert", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    _assert_one_clear_error(err, "a float .tflite; mcugen needs a full-integer int8 model")
    assert "Keras" in err and "SavedModel" in err
    assert not out.exists()


def test_truncated_keras_file(tmp_path, capsys, shared_models):
    path = tmp_path / "cut.h5"
    path.write_bytes((shared_models / "ad/ad01.h5").read_bytes()[:65536])  # HDF5 header, no weights
    assert main(["convert", str(path), "-o", str(tmp_path / "x.tflite")]) == 2
    _assert_one_clear_error(capsys.readouterr().err, "Keras cannot load this model")
    assert not (tmp_path / "x.tflite").exists()


def test_debug_flag_shows_the_traceback(tmp_path):
    from mcugen.errors import ModelLoadError

    with pytest.raises(ModelLoadError):
        main(["--debug", "inspect", str(tmp_path / "missing.tflite")])


def test_subprocess_error_has_no_traceback(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    proc = subprocess.run([sys.executable, "-m", "mcugen", "convert", str(tmp_path / "notes.txt"),
                           "-o", str(tmp_path / "o.tflite")], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    _assert_one_clear_error(proc.stderr, "unknown model format")
    assert proc.stdout == ""
    assert not (tmp_path / "o.tflite").exists()


@pytest.mark.filterwarnings("ignore::DeprecationWarning")  # Keras' own numpy-2 note when saving
def test_keras_layer_without_int8_kernel(tmp_path, capsys):
    """TensorFlow leaves CUMSUM in float even when asked for int8 only; mcugen refuses the result."""
    import keras

    inputs = keras.Input((8,), name="x")
    model = keras.Model(inputs, keras.ops.cumsum(keras.layers.Dense(8)(inputs), axis=1))
    path = tmp_path / "cumsum.keras"
    model.save(path)
    out = tmp_path / "cumsum_int8.tflite"
    assert main(["convert", str(path), "-o", str(out)]) == 2
    err = capsys.readouterr().err
    _assert_one_clear_error(err, r"not computed in int8: op \d+ CUMSUM \(FLOAT32 input, FLOAT32 output\)")
    assert "replace those layers" in err
    assert not out.exists()


def test_demo_with_unknown_board_fails_before_training(tmp_path, capsys):
    out = tmp_path / "demo"
    assert main(["demo", "-o", str(out), "--board", "no_such_board"]) == 2
    _assert_one_clear_error(capsys.readouterr().err, "unknown board 'no_such_board'")
    assert not out.exists()


def test_bad_validation_data_fails_before_quantizing(tmp_path, capsys, example_files):
    bad = tmp_path / "val.npz"
    bad.write_bytes(b"PK\x03\x04 broken")
    assert main(["convert", str(example_files.model), "-c", str(example_files.calibration),
                 "--validation", str(bad), "-o", str(tmp_path / "x.tflite")]) == 2
    err = capsys.readouterr().err
    _assert_one_clear_error(err, "not a readable .npz")
    assert "quantize" not in err and not (tmp_path / "x.tflite").exists()
