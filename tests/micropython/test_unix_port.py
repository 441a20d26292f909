"""The x64 natmod, imported in MicroPython's unix port, equals tflite-micro byte for byte.

Needs a MicroPython source tree and its unix-port binary, given by environment variables:
    MCUGEN_MPY_DIR=/path/to/micropython  MCUGEN_MPY_UNIX=/path/to/micropython/ports/unix/build-standard/micropython
(mcugen never builds or ships MicroPython itself.)
"""
from __future__ import annotations

import json
import os
import subprocess

import numpy as np
import pytest

from mcugen.convert.tflite_reader import read_graph
from mcugen.micropython.mpbench import UNIX_HEAP, bench_micropython
from mcugen.oracle import TflmOracle

from .helpers import INT8_MODELS, MODELS, build_folder

MPY_DIR = os.environ.get("MCUGEN_MPY_DIR", "")
MPY_UNIX = os.environ.get("MCUGEN_MPY_UNIX", "")
pytestmark = pytest.mark.skipif(
    not (MPY_DIR and MPY_UNIX),
    reason="set MCUGEN_MPY_DIR (MicroPython source tree) and MCUGEN_MPY_UNIX (its unix-port "
           "binary) to build the x64 natmod and import it")
SAMPLES = 12

# Runs in MicroPython: every sample of inputs.bin through the module, one line of hex per sample.
RUNNER = """
import sys, binascii
m = __import__(sys.argv[1])
def size(shape):
    n = 1
    for d in shape:
        n *= d
    return n
data = open(sys.argv[2], "rb").read()
pos = 0
while pos < len(data):
    ins = []
    for i in range(m.NUM_INPUTS):
        n = size(m.input_shape(i))
        ins.append(data[pos:pos + n])
        pos += n
    outs = m.invoke(*ins)
    if m.NUM_OUTPUTS == 1:
        outs = (outs,)
    print(" ".join(binascii.hexlify(o).decode() for o in outs))
"""


def _micropython(script, *args, cwd, path):
    proc = subprocess.run([MPY_UNIX, "-X", f"heapsize={UNIX_HEAP}", str(script), *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "MICROPYPATH": f"{path}:.frozen"})
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout


@pytest.mark.parametrize("model", [
    "hello_world", "ad",
    pytest.param("kws", marks=pytest.mark.slow),
    pytest.param("ic", marks=pytest.mark.slow),
    pytest.param("vww", marks=pytest.mark.slow),
])
def test_x64_natmod_equals_tflite_micro(model, tmp_path):
    out = tmp_path / f"{model}_build"  # not the module name: MicroPython would import the folder
    project = build_folder(model, "unix", out, mpy_dir=MPY_DIR)
    assert project.mpy is not None and project.mpy.is_file()
    for _, source in json.loads((out / "package.json").read_text())["urls"]:
        assert (out / source).is_file(), f"mip would miss {source}"
    tflite = (MODELS / INT8_MODELS[model]).read_bytes()
    graph = read_graph(tflite)
    rng = np.random.default_rng(7)
    samples = [[rng.integers(-128, 128, graph.tensor(t).shape, dtype=np.int8) for t in graph.inputs]
               for _ in range(SAMPLES)]
    (tmp_path / "inputs.bin").write_bytes(b"".join(x.tobytes() for s in samples for x in s))
    (tmp_path / "runner.py").write_text(RUNNER)
    lines = _micropython(tmp_path / "runner.py", model, str(tmp_path / "inputs.bin"),
                         cwd=tmp_path, path=project.mpy.parent).split()
    assert len(lines) == SAMPLES * len(graph.outputs)
    oracle = TflmOracle(tflite)
    for s, sample in enumerate(samples):
        want = [np.asarray(y).astype(np.int8).tobytes().hex() for y in oracle.run(sample)]
        got = lines[s * len(want):(s + 1) * len(want)]
        assert got == want, f"sample {s} differs from tflite-micro"

    # the benchmark path: bench.py on the "board", read back and checked on the host
    result = bench_micropython(out, MPY_UNIX)
    assert result.exact, result
    assert result.runs == 10 and len(result.ticks_us) == 10 and min(result.ticks_us) >= 0


def test_module_api_and_float_helpers(tmp_path):
    out = tmp_path / "kwsm_build"
    project = build_folder("kws", "unix", out, name="kwsm", mpy_dir=MPY_DIR)
    graph = read_graph((MODELS / INT8_MODELS["kws"]).read_bytes())
    t_in, t_out = graph.tensor(graph.inputs[0]), graph.tensor(graph.outputs[0])
    values = [-3.0, -0.29, 0.0, 0.2923, 0.2924, 1.5, 100.0, -100.0]
    script = tmp_path / "api.py"
    script.write_text(f"""
import kwsm, mcugen_io
print(kwsm.input_shape(), kwsm.output_shape(0), kwsm.NUM_INPUTS, kwsm.NUM_OUTPUTS, kwsm.ARENA_BYTES)
print(kwsm.input_quant()[1], kwsm.output_quant()[1], kwsm.MODEL_SHA256)
print(list(mcugen_io.to_int8(mcugen_io.quantize(kwsm, {values!r}))))
y = kwsm.invoke(bytes({t_in.nbytes}))
print(len(y), kwsm.last_ticks_us() >= 0, abs(sum(mcugen_io.dequantize(kwsm, y)) - 1.0) < 0.05)
for bad in ("kwsm.invoke(bytes(3))", "kwsm.input_shape(1)", "kwsm.output_quant(-1)"):
    try:
        exec(bad)
        print("no error")
    except (ValueError, IndexError) as e:
        print(type(e).__name__)
""")
    lines = _micropython(script, cwd=out, path=f"{project.mpy.parent}:{out}").splitlines()
    shape_in, shape_out = tuple(t_in.shape), tuple(t_out.shape)
    assert lines[0] == f"{shape_in} {shape_out} 1 1 {project.arena_bytes}"
    assert lines[1] == f"{t_in.quant.zero_point} {t_out.quant.zero_point} {graph.sha256}"
    x = np.array(values, np.float32) / np.float32(t_in.quant.scale)
    want = np.clip(np.sign(x) * np.floor(np.abs(x) + 0.5) + t_in.quant.zero_point, -128, 127)
    assert lines[2] == str([int(v) for v in want])
    assert lines[3] == f"{t_out.nbytes} True True"  # softmax output dequantizes to ~1
    assert lines[4:] == ["ValueError", "IndexError", "IndexError"]


def test_cli_build_then_bench_on_the_unix_port(tmp_path, capsys):
    from mcugen.cli import main

    out = tmp_path / "sine_build"
    assert main(["build", str(MODELS / INT8_MODELS["hello_world"]), "--target", "micropython",
                 "--board", "unix", "--name", "sine", "-o", str(out), "--mpy-dir", MPY_DIR]) == 0
    assert (out / "natmod/sine.mpy").is_file()
    capsys.readouterr()
    assert main(["bench", "--micropython", "--port", MPY_UNIX, "--project", str(out), "-n", "4",
                 "--seed", "9", "--json", "-"]) == 0
    doc = __import__("json").loads(capsys.readouterr().out)
    assert doc["exact"] and doc["runs"] == 4 and doc["module"] == "sine"


def test_several_models_in_one_natmod(tmp_path, capsys):
    """hello_world and KWS in one module `pair`: the index API, mcugen_io.model, and the bench."""
    from mcugen.cli import main

    out = tmp_path / "pair_build"
    assert main(["build", str(MODELS / INT8_MODELS["hello_world"]), str(MODELS / INT8_MODELS["kws"]),
                 "--target", "micropython", "--board", "unix", "--name", "sine,kws", "--module", "pair",
                 "-o", str(out), "--mpy-dir", MPY_DIR]) == 0
    graph = read_graph((MODELS / INT8_MODELS["kws"]).read_bytes())
    n = graph.tensor(graph.inputs[0]).nbytes
    script = tmp_path / "api.py"
    script.write_text(f"""
import pair, mcugen_io
print(pair.models(), pair.NUM_MODELS, pair.num_inputs(1), pair.input_shape(1), pair.input_shape(0, 0))
kws = mcugen_io.model(pair, "kws")
x = bytes(range(256)) * 2
x = x[:{n}]
print(pair.invoke(1, x) == kws.invoke(x), kws.NUM_OUTPUTS, kws.MODEL_SHA256 == pair.model_sha256(1))
for bad in ("pair.invoke(2, x)", "pair.invoke(1)", "pair.input_shape(0, 1)", "pair.invoke(0, x)"):
    try:
        exec(bad)
        print("no error")
    except (ValueError, IndexError, TypeError) as e:
        print(type(e).__name__)
""")
    lines = _micropython(script, cwd=out, path=f"{out / 'natmod'}:{out}").splitlines()
    assert lines[0] == f"('sine', 'kws') 2 1 {tuple(graph.tensor(graph.inputs[0]).shape)} (1, 1)"
    assert lines[1] == "True 1 True"
    assert lines[2:] == ["IndexError", "TypeError", "IndexError", "ValueError"]
    capsys.readouterr()
    assert main(["bench", "--micropython", "--port", MPY_UNIX, "--project", str(out), "-n", "2",
                 "--json", "-"]) == 0
    doc = __import__("json").loads(capsys.readouterr().out)
    assert doc["exact"] and [m["model"] for m in doc["models"]] == ["sine", "kws"]
