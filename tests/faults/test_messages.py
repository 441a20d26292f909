"""Messages for models mcugen cannot take (yet): say what is in the model and what to do, never
a wrong diagnosis, never a message cut mid-sentence; `inspect` shows any readable model."""
from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path

import numpy as np
import pytest

from mcugen.cli import main
from tests.faults.conftest import assert_one_clear_error, run_mcugen

REPO = Path(__file__).resolve().parents[2]
SUPPORTED = ("CONV_2D", "FULLY_CONNECTED", "SOFTMAX")  # a few of the list the hint must give


@pytest.fixture(scope="module")
def breadth(shared_models) -> Path:
    return shared_models / "breadth"


@pytest.fixture(scope="module")
def without_kernel(shared_models, tmp_path_factory) -> Path:
    """hello_world with its last op turned into a CUMSUM, an int8 op mcugen has no kernel for
    (every op of the shared models runs now)."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(bytearray((shared_models / "hello_world/hello_world_int8.tflite")
                                                      .read_bytes()), 0)
    code = schema.OperatorCodeT()
    code.builtinCode, code.version = schema.BuiltinOperator.CUMSUM, 1
    code.deprecatedBuiltinCode = min(code.builtinCode, 127)  # an int8 field: 127 says "see builtinCode"
    model.operatorCodes.append(code)
    model.subgraphs[0].operators[-1].opcodeIndex = len(model.operatorCodes) - 1
    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    path = tmp_path_factory.mktemp("cumsum") / "cumsum_model.tflite"
    path.write_bytes(bytes(builder.Output()))
    return path


@pytest.mark.parametrize("op", ["op 2 CUMSUM v1"])
@pytest.mark.parametrize("command", ["generate", "build"])
def test_int8_models_with_ops_without_kernels_say_so(without_kernel, tmp_path, op, command):
    """An int8 model: the op has no mcugen kernel yet; telling the user to re-convert to int8
    (the old message) would send them nowhere."""
    out = tmp_path / "out"
    extra = ["--no-compile"] if command == "build" else []
    proc = run_mcugen(command, str(without_kernel), "-o", str(out), *extra, cwd=tmp_path)
    assert_one_clear_error(proc, 2, without_kernel.stem, f"{op}: no mcugen kernel yet")
    assert "not computed in int8" not in proc.stderr and "convert full-integer" not in proc.stderr
    hint = next(line for line in proc.stderr.splitlines() if line.startswith("  hint: "))
    assert hint.startswith("  hint: mcugen supports: ") and all(k in hint for k in SUPPORTED)
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_inspect_shows_models_it_cannot_run(without_kernel, capsys):
    assert main(["--no-progress", "inspect", str(without_kernel)]) == 0
    row = next(line for line in capsys.readouterr().out.splitlines() if "CUMSUM" in line and "│" in line)
    assert row.rstrip(" │").endswith("no")


def test_inspect_shows_the_recurrent_models_and_their_macs(breadth, capsys):
    assert main(["--no-progress", "inspect", str(breadth / "micro_speech_lstm.tflite")]) == 0
    out = capsys.readouterr().out
    row = next(line for line in out.splitlines() if "UNIDIRECTIONAL_SEQUENCE_LSTM" in line and "│" in line)
    assert row.rstrip(" │").endswith("yes")  # supported since the LSTM kernels; its MACs are counted
    assert "5,284,160" in row  # 49 steps x (4 gates x 80 x (257 + 80)) weights

    assert main(["--no-progress", "inspect", str(breadth / "keyword_scrambled_8bit.tflite"), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    svdf = [o for o in doc["ops"] if o["op"] == "SVDF"]
    assert len(svdf) == 7 and all(o["macs"] > 0 for o in svdf)
    # SVDF and its int8 -> int16 SOFTMAX run too now: every op of it is supported
    assert all(o["supported"] for o in doc["ops"]) and len(doc["ops"]) == 15


def test_inspect_shows_an_int8_model_with_a_float_op(shared_models, tmp_path, capsys):
    """Readable but computing partly in float: inspect shows it (convert and generate refuse it)."""
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(bytearray((shared_models / "hello_world/hello_world_int8.tflite")
                                                      .read_bytes()), 0)
    sg = model.subgraphs[0]
    sg.tensors[sg.operators[0].outputs[0]].type = schema.TensorType.FLOAT32
    builder = flatbuffers.Builder(0)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    path = tmp_path / "mixed.tflite"
    path.write_bytes(bytes(builder.Output()))
    assert main(["--no-progress", "inspect", str(path), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [o["supported"] for o in doc["ops"]] == [False, False, True]
    assert all("is FLOAT32 (int8 only)" in o["reason"] for o in doc["ops"][:2])
    assert main(["convert", str(path), "-o", str(tmp_path / "x.tflite")]) == 2
    assert "not computed in int8: op 0 FULLY_CONNECTED" in capsys.readouterr().err


@pytest.mark.slow
def test_keras_lambda_layer_message_is_whole_and_its_hint_right(tmp_path):
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import keras

    x = keras.Input((8,), name="x")
    model = keras.Model(x, keras.layers.Dense(2)(keras.layers.Lambda(lambda t: t * 2.0)(x)))
    path = tmp_path / "lambda.keras"
    model.save(path)
    proc = run_mcugen("convert", str(path), "-o", str(tmp_path / "out.tflite"), cwd=tmp_path)
    assert_one_clear_error(proc, 2, "lambda.keras: the model has a Lambda layer", "Keras' safe mode")
    error = next(line for line in proc.stderr.splitlines() if line.startswith("error: "))
    assert error.endswith(")") and "If you trust the" not in error  # whole, not Keras' text cut at 200
    hint = next(line for line in proc.stderr.splitlines() if line.startswith("  hint: "))
    assert "Lambda" in hint and "safe_mode=False).export" in hint and "mcugen convert DIR" in hint
    assert "weights only" not in proc.stderr
    assert not (tmp_path / "out.tflite").exists()


def test_keras_load_errors_are_explained_or_cut_at_a_word():
    from mcugen.convert.load_errors import first_sentence, keras_load_error

    custom = keras_load_error("m.h5", ValueError("Unknown layer: 'mine>Twice'. Please ensure you are using "
                                                 "a `keras.utils.custom_object_scope` ..."))
    assert "uses Twice, a custom class that is not part of Keras" in custom.message
    assert "model.export" in custom.hint
    located = keras_load_error("m.keras", TypeError("could not be deserialized properly.\n\nException "
                                                    "encountered: Could not locate class 'Twice'. Make sure"))
    assert "uses Twice" in located.message
    other = keras_load_error("m.h5", OSError("Unable to open file (truncated file: eof = 65536, sblock->"
                                             "base_addr = 0, stored_eof = 270880)"))
    assert other.message.endswith("stored_eof = 270880))") and "not truncated" in other.hint
    long = "word " * 100
    cut = first_sentence(long, 60)
    assert cut.endswith("word ...") and len(cut) <= 64
    assert first_sentence("First sentence. Second one.") == "First sentence."


def test_bench_warns_once_when_it_quantizes_float_inputs(shared_models, tmp_path, capsys):
    """Float --inputs are quantized with the input's scale and zero point: the bench says so once,
    with the numbers, and sends int8 that tflite-micro and the firmware agree on."""
    spec = importlib.util.spec_from_file_location("faults_hostfw", REPO / "tests" / "bench" / "hostfw.py")
    hostfw = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(hostfw)
    from mcugen.codegen import generate_sources
    from mcugen import pipeline
    from mcugen.convert.tflite_reader import read_graph
    from mcugen.ops import lower_graph

    model = shared_models / "hello_world" / "hello_world_int8.tflite"
    graph = read_graph(model.read_bytes())
    calls = lower_graph(graph)
    generate_sources(graph, pipeline.plan(graph, calls), calls).write(tmp_path)
    firmware = hostfw.build_bench_host(tmp_path, tmp_path / "bench_host", hooks=False)
    q = graph.tensor(graph.inputs[0]).quant
    np.save(tmp_path / "x.npy", np.linspace(0, 6, 5, dtype=np.float32).reshape(5, 1, 1))
    with hostfw.running(firmware) as (_proc, port):
        status = main(["--no-progress", "bench", str(model), "--board", "esp32", "--port",
                       f"socket://127.0.0.1:{port}", "-n", "5", "--inputs", str(tmp_path / "x.npy")])
    err = capsys.readouterr().err
    assert status == 0, err
    warnings = [line for line in err.splitlines() if "x.npy holds float32 values" in line]
    assert len(warnings) == 1, err
    assert f"scale {q.scale:.7g} and zero point {q.zero_point}" in warnings[0]


def test_bench_float_inputs_beyond_the_range_saturate_and_nan_is_the_zero_point(shared_models, tmp_path):
    from mcugen.bench.inputs import load_samples
    from mcugen.convert.tflite_reader import read_graph

    graph = read_graph((shared_models / "hello_world" / "hello_world_int8.tflite").read_bytes())
    q = graph.tensor(graph.inputs[0]).quant
    np.save(tmp_path / "edge.npy", np.array([np.nan, np.inf, -np.inf, 1e30, -1e30, 0.0], np.float32))
    seen: list[str] = []
    samples = load_samples(tmp_path / "edge.npy", graph, seen.append)
    assert [int(s.reshape(-1)[0]) for s in samples] == [q.zero_point, 127, -128, 127, -128, q.zero_point]
    assert len(seen) == 1
