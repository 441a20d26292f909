"""Conversion faults: TensorFlow crashing, multi-input Keras models, calibration data checked before
TensorFlow, and QUANTIZE on floats beyond what tflite-micro defines. mcugen runs as a user runs it
(a subprocess) where its exit status or its process tree is the point."""
from __future__ import annotations

import ctypes
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from tests.faults.conftest import assert_one_clear_error, run_mcugen

REPO = Path(__file__).resolve().parents[2]


def _keras():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    return keras


@pytest.fixture(scope="module")
def keras_models(tmp_path_factory):
    """Tiny Keras 3 models, saved once: an LSTM (the converter segfaults on it) and two-input ones."""
    keras = _keras()
    out = tmp_path_factory.mktemp("keras")
    x = keras.Input((10, 4), name="x")
    keras.Model(x, keras.layers.Dense(2)(keras.layers.LSTM(8)(x))).save(out / "lstm.keras")
    x = keras.Input((None, 4), name="x")  # an open sequence length: a WHILE loop, refused
    keras.Model(x, keras.layers.Dense(2)(keras.layers.LSTM(8)(x))).save(out / "lstm_open.keras")
    a, b = keras.Input((4,), name="a"), keras.Input((6,), name="b")
    keras.Model([a, b], keras.layers.Dense(3, activation="softmax")(keras.layers.Concatenate()([a, b]))
                ).save(out / "two_in.keras")
    # same-shape inputs whose order matters (first - second); the converter puts second first
    one, two = keras.Input((4,), name="first"), keras.Input((4,), name="second")
    keras.Model([one, two], keras.layers.Subtract()([one, two])).save(out / "diff.keras")
    one, two = keras.Input((4,), name="first"), keras.Input((4,), name="second")  # called with a dict
    keras.Model({"y": one, "x": two}, keras.layers.Subtract()([one, two])).save(out / "dict.keras")
    return out


def _listing(path: Path) -> set[str]:
    return {str(p.relative_to(path)) for p in path.rglob("*")}


@pytest.mark.slow
def test_open_sequence_length_lstm_is_one_clear_error_for_convert_and_build(keras_models, tmp_path):
    """A Keras LSTM with a static sequence length is unrolled and converts (tests/convert/
    test_recurrent_keras.py); an open one cannot be unrolled: exit 2, the model and the fix named,
    nothing written."""
    model = keras_models / "lstm_open.keras"
    before = _listing(tmp_path)
    conv = run_mcugen("convert", str(model), "-o", str(tmp_path / "lstm_int8.tflite"), cwd=tmp_path)
    assert_one_clear_error(conv, 2, str(model), "unknown dimensions")
    assert "hint: " in conv.stderr and "fixed input shape" in conv.stderr
    build = run_mcugen("build", str(model), "--board", "mps2_an386", "-o", str(tmp_path / "fw"), cwd=tmp_path)
    assert_one_clear_error(build, 2, str(model), "unknown dimensions")
    assert _listing(tmp_path) == before


@pytest.mark.slow
def test_two_input_keras_model_builds_and_runs_bit_exact_with_its_quantization_report(keras_models, tmp_path):
    """Two Input layers -> Concatenate -> Dense: calibrated from an .npz by input name, built and
    self-tested under QEMU; `build` prints the float-vs-int8 report and records it in mcugen.json."""
    rng = np.random.default_rng(0)
    calib = tmp_path / "calib.npz"
    np.savez(calib, b=rng.uniform(0, 2, (16, 6)).astype(np.float32),
             a=rng.uniform(0, 1, (16, 4)).astype(np.float32))
    out = tmp_path / "fw"
    proc = run_mcugen("build", str(keras_models / "two_in.keras"), "--board", "mps2_an386", "-o", str(out),
                      "--calibration", str(calib), "--run", cwd=tmp_path, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert "PASS 3/3" in proc.stderr and "warning: no --calibration" not in proc.stderr
    assert "float vs int8 on 16 calibration samples" in proc.stdout
    assert "top-1 agreement" in proc.stdout and "classifier" in proc.stdout
    quant = json.loads((out / "mcugen.json").read_text())["quantization"]
    assert quant["samples"] == 16 and quant["data"] == "calibration"
    (only,) = quant["outputs"]
    assert only["kind"] == "classifier" and only["top1_agreement"] >= 0.9
    assert 0 < only["max_abs_error"] < 0.05 and only["snr_db"] > 20
    assert f"{only['top1_agreement'] * 100:.1f}%" in proc.stdout


@pytest.mark.slow
def test_two_inputs_calibrated_by_name_or_position_and_compared_in_the_right_order(keras_models, tmp_path):
    """first - second, with first in [0, 1] and second in [4, 5]: the converter puts the .tflite's
    inputs in its own order (second first), yet each must get its own calibration range, and the
    float-vs-int8 report must feed each its own samples (swapped, the SNR would be far below 0)."""
    from mcugen.convert import convert_model
    from mcugen.errors import CalibrationError, UnsupportedModel

    rng = np.random.default_rng(1)
    first = rng.uniform(0, 1, (24, 4)).astype(np.float32)
    second = rng.uniform(4, 5, (24, 4)).astype(np.float32)
    model = keras_models / "diff.keras"
    np.savez(tmp_path / "named.npz", second=second, first=first)
    np.savez(tmp_path / "positional.npz", first, second)  # arr_0, arr_1: in the model's input order
    np.savez(tmp_path / "swapped.npz", second, first)

    def input_ranges(result):
        g = result.graph
        return {g.tensor(t).name: (g.tensor(t).quant.scale, g.tensor(t).quant.zero_point) for t in g.inputs}

    named = convert_model(model, tmp_path / "named.npz")
    order = [named.graph.tensor(t).name for t in named.graph.inputs]
    assert order == ["serving_default_second:0", "serving_default_first:0"]  # else this test checks nothing
    (out,) = named.report.outputs
    assert out.snr_db > 25 and out.max_abs_error < 0.1
    assert input_ranges(convert_model(model, tmp_path / "positional.npz")) == input_ranges(named)
    assert input_ranges(convert_model(model, tmp_path / "swapped.npz")) != input_ranges(named)
    ranges = input_ranges(named)
    assert ranges["serving_default_first:0"][0] < 1.5 / 255 < ranges["serving_default_second:0"][0]
    assert ranges["serving_default_second:0"][1] == -128  # [4, 5] widened to [0, 5]: its own range

    synthetic = convert_model(model)
    assert synthetic.synthetic_calibration and synthetic.report.data == "synthetic"

    with pytest.raises(CalibrationError, match=r"holds arrays x, y; the model's inputs are first \(4,\), second"):
        np.savez(tmp_path / "other.npz", x=first, y=second)
        convert_model(model, tmp_path / "other.npz")
    with pytest.raises(CalibrationError, match="an .npz with one array per input"):
        np.save(tmp_path / "one.npy", first)
        convert_model(model, tmp_path / "one.npy")
    with pytest.raises(CalibrationError, match="different sample counts"):
        np.savez(tmp_path / "uneven.npz", first=first, second=second[:5])
        convert_model(model, tmp_path / "uneven.npz")
    from_dict = convert_model(keras_models / "dict.keras", tmp_path / "named.npz")
    assert from_dict.report.outputs[0].snr_db > 25 and input_ranges(from_dict) == input_ranges(named)
    # a static-length LSTM no longer crashes TensorFlow's converter: it is unrolled first
    assert convert_model(keras_models / "lstm.keras").graph is not None
    assert input_ranges(convert_model(model, tmp_path / "named.npz")) == input_ranges(named)


_NO_TENSORFLOW = textwrap.dedent("""
    import json, sys, time
    from mcugen.cli import main
    results = []
    for model, data in json.loads(sys.argv[1]):
        start = time.monotonic()
        status = main(["--no-progress", "convert", model, "-c", data, "-o", data + ".tflite"])
        results.append([status, time.monotonic() - start])
    import multiprocessing
    print(json.dumps({"results": results, "tensorflow": "tensorflow" in sys.modules,
                      "children": len(multiprocessing.active_children())}))
""")


def test_bad_calibration_fails_before_tensorflow_is_imported(keras_models, shared_models, tmp_path):
    """Shapes come from the model file itself (Keras 3 archive, Keras 2 .h5, SavedModel
    protobuf): a wrong file fails in well under the ~5 s TensorFlow's import takes."""
    np.save(tmp_path / "images.npy", np.zeros((3, 32, 32, 3), np.float32))
    np.save(tmp_path / "text.npy", np.array(["a", "b"]))
    cases = [(str(keras_models / "lstm.keras"), str(tmp_path / "images.npy")),      # Keras 3
             (str(shared_models / "ad/ad01.h5"), str(tmp_path / "images.npy")),     # Keras 2 .h5
             (str(shared_models / "kws/kws_ref_model"), str(tmp_path / "images.npy")),  # SavedModel
             (str(keras_models / "lstm.keras"), str(tmp_path / "text.npy"))]
    proc = subprocess.run([sys.executable, "-c", _NO_TENSORFLOW, json.dumps(cases)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["tensorflow"] is False and report["children"] == 0
    assert [status for status, _ in report["results"]] == [2, 2, 2, 2]
    assert all(seconds < 3 for _, seconds in report["results"]), report
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 4 and "Traceback" not in proc.stderr
    assert "does not fit the model input (10, 4)" in errors[0]
    assert "does not fit the model input (640,)" in errors[1]
    assert "does not fit the model input (49, 10, 1)" in errors[2]
    assert "expected numbers" in errors[3]
    assert not list(tmp_path.glob("*.tflite"))


def test_tensorflow_child_dies_with_mcugen_even_by_sigkill(keras_models, tmp_path):
    """SIGKILL mcugen while its TensorFlow child is busy (importing TensorFlow takes seconds): the
    kernel ends the child at once (PR_SET_PDEATHSIG), it does not finish its work first."""
    script = textwrap.dedent(f"""
        import sys, threading, time
        from mcugen.convert.worker import FloatWorker
        worker = FloatWorker()
        print(worker.pid, flush=True)
        threading.Thread(target=worker.call, args=("load", {str(keras_models / 'two_in.keras')!r}, "keras"),
                         daemon=True).start()
        time.sleep(600)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        child = int(proc.stdout.readline())
        time.sleep(1.0)
        assert _alive(child)
    finally:
        proc.kill()
        proc.wait()
    deadline = time.monotonic() + 2.0
    while _alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _alive(child)


def _alive(pid: int) -> bool:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return text[text.rindex(")") + 2] not in "ZX"


# --- QUANTIZE of floats tflite-micro leaves undefined -----------------------------------------

class _QuantizeParams(ctypes.Structure):
    _fields_ = [("size", ctypes.c_int32), ("from_float", ctypes.c_int32), ("zero_point", ctypes.c_int32),
                ("scale", ctypes.POINTER(ctypes.c_float)), ("input_zero_point", ctypes.c_int32),
                ("multiplier", ctypes.c_int32), ("shift", ctypes.c_int32)]


class _QuantizeFloatS16Params(ctypes.Structure):
    _fields_ = [("size", ctypes.c_int32), ("zero_point", ctypes.c_int32), ("scale", ctypes.POINTER(ctypes.c_float))]


@pytest.fixture(scope="module")
def quantize_kernel(tmp_path_factory):
    """firmware/kernels/quantize_s8.c and quantize_float_s16.c compiled for the host (-Werror,
    UBSan) as a shared library."""
    from mcugen.codegen import firmware_dir

    lib = tmp_path_factory.mktemp("quantize") / "libquantize.so"
    fw = firmware_dir()
    subprocess.run(["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC",
                    "-fsanitize=undefined", "-fno-sanitize-recover=all", f"-I{fw / 'include'}",
                    str(fw / "kernels" / "quantize_s8.c"), str(fw / "kernels" / "quantize_float_s16.c"),
                    "-o", str(lib)], check=True)
    dll = ctypes.CDLL(str(lib))
    dll.mg_quantize_s8.restype = ctypes.c_int
    dll.mg_quantize_float_s16.restype = ctypes.c_int
    return dll


def _quantize(kernel, values, scale: float, zero_point: int, int16: bool = False) -> list[int]:
    x = np.asarray(values, dtype=np.float32)
    s = ctypes.c_float(scale)
    if int16:
        params, run = _QuantizeFloatS16Params(len(x), zero_point, ctypes.pointer(s)), kernel.mg_quantize_float_s16
    else:
        params, run = _QuantizeParams(len(x), 1, zero_point, ctypes.pointer(s), 0, 0, 0), kernel.mg_quantize_s8
    out = np.zeros(len(x), np.int16 if int16 else np.int8)
    assert run(ctypes.byref(params), x.ctypes.data_as(ctypes.c_void_p), out.ctypes.data_as(ctypes.c_void_p)) == 0
    return out.tolist()


def test_quantize_kernel_saturates_out_of_range_floats_and_maps_nan_to_the_zero_point(quantize_kernel):
    """What mcugen does where TFLM's float->int32 cast is undefined (x / scale NaN, +-inf or beyond
    int32; the host tflite-micro gives -128 for +big, +inf and NaN on x86): saturate, NaN -> zero
    point, as the Cortex-M conversion instruction does. Pinned, and in the README."""
    scale, zp = 0.05, -7
    beyond = [3e9 * scale, -3e9 * scale, 1e30, -1e30, float("inf"), float("-inf"), float("nan"),
              np.finfo(np.float32).max, -np.finfo(np.float32).max]
    assert _quantize(quantize_kernel, beyond, scale, zp) == [127, -128, 127, -128, 127, -128, zp, 127, -128]
    # inside the defined range it is TFLM's arithmetic: float32 x / scale, halves away from zero
    halves = [(k + 0.5) * scale for k in range(-6, 6)]
    expected = [int(np.clip(np.sign(q) * np.floor(abs(q) + 0.5) + zp, -128, 127))
                for q in (np.float32(v) / np.float32(scale) for v in np.float32(halves))]
    assert _quantize(quantize_kernel, halves, scale, zp) == expected
    assert _quantize(quantize_kernel, [6.7, -6.8, 0.0], scale, zp) == [127, -128, zp]


def test_int16_quantize_kernel_saturates_out_of_range_floats_and_maps_nan_to_the_zero_point(quantize_kernel):
    """The same definition for float -> int16 (16x8 models with a float input): saturate to
    -32768 / 32767, NaN to the zero point (the host tflite-micro gives -32768 for +big, +inf, NaN)."""
    scale, zp = 0.001, 3
    beyond = [3e9 * scale, -3e9 * scale, 1e30, -1e30, float("inf"), float("-inf"), float("nan"),
              np.finfo(np.float32).max, -np.finfo(np.float32).max, 40000 * scale, -40000 * scale]
    assert _quantize(quantize_kernel, beyond, scale, zp, int16=True) == [
        32767, -32768, 32767, -32768, 32767, -32768, zp, 32767, -32768, 32767, -32768]
    halves = [(k + 0.5) * scale for k in (-32000, -7, -1, 0, 6, 31000)]
    expected = [int(np.clip(np.sign(q) * np.floor(abs(q) + 0.5) + zp, -32768, 32767))
                for q in (np.float32(v) / np.float32(scale) for v in np.float32(halves))]
    assert _quantize(quantize_kernel, halves, scale, zp, int16=True) == expected
