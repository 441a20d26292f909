"""Build small Keras models inside the tests, convert them to int8 with TensorFlow, and check
mcugen's generated C against tflite-micro under both arena plans.

TensorFlow is imported lazily (about 2 s), and every converted model is checked with one
compiled binary per plan that runs all samples.
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from mcugen.codegen import _env, firmware_dir, generate_sources
from mcugen.codegen.memory import plan_memory
from mcugen.convert.keras_convert import captured_native_output
from mcugen.convert.tflite_reader import read_graph
from mcugen.hostrun import SANITIZE, WARNINGS, HostProgram, compile_c
from mcugen.ir import DTYPES
from mcugen.ops import lower_graph, unsupported_reason
from mcugen.ops.variants import specialise
from mcugen.oracle import TflmOracle

CALIBRATION_SAMPLES = 16
SCALE = float(os.environ.get("MCUGEN_HYPOTHESIS_SCALE", "1"))

# calibration ranges: asymmetric ones give nonzero zero points, narrow ones fine scales
ranges = st.tuples(st.floats(-6, -0.05), st.floats(0.05, 6))


def examples(n: int):
    """Hypothesis settings for the oracle suites: `n` derandomized examples (times
    MCUGEN_HYPOTHESIS_SCALE), no deadline (conversion and compilation take seconds)."""
    return settings(max_examples=max(1, int(n * SCALE)), deadline=None, derandomize=True,
                    database=None, suppress_health_check=list(HealthCheck))


def tf():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow

    tensorflow.get_logger().setLevel("ERROR")
    return tensorflow


def to_int8(model, seed: int = 0, float_io: bool = False, low: float = -3.0, high: float = 3.0,
            calibration: Callable[[np.random.Generator, tuple[int, ...]], np.ndarray] | None = None,
            per_channel: bool = True) -> bytes:
    """Full-integer conversion of a Keras model; int8 I/O unless `float_io` (then the model keeps
    float32 input and output around QUANTIZE/DEQUANTIZE). `per_channel=False` gives per-tensor
    weights for convolutions and dense layers. Several inputs must be named so that their names
    sort in model order ("in0", "in1", ...): the converter orders them by name."""
    t = tf()
    shapes = [tuple(int(d) for d in i.shape[1:]) for i in model.inputs]

    def representative():
        rng = np.random.default_rng(seed)
        for _ in range(CALIBRATION_SAMPLES):
            yield [(calibration(rng, (1, *s)) if calibration else rng.uniform(low, high, (1, *s)))
                   .astype(np.float32) for s in shapes]

    converter = t.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [t.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [t.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if not per_channel:
        converter._experimental_disable_per_channel = True
        converter._experimental_disable_per_channel_quantization_for_dense_layers = True
    if not float_io:
        converter.inference_input_type = t.int8
        converter.inference_output_type = t.int8
    with captured_native_output():  # TensorFlow prints at the C level
        return converter.convert()


def random_samples(model: bytes, count: int, seed: int, low: float = -4.0, high: float = 4.0) -> list[list[np.ndarray]]:
    """Inputs for every model input: uniform int8, or floats in [low, high] for float inputs."""
    graph = read_graph(model)
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(count):
        sample = []
        for tid in graph.inputs:
            t = graph.tensor(tid)
            if t.dtype == "FLOAT32":
                sample.append(rng.uniform(low, high, t.shape).astype(np.float32))
            else:
                sample.append(rng.integers(-128, 128, t.shape, dtype=np.int8))
        samples.append(sample)
    return samples


def op_kinds(model: bytes) -> list[str]:
    return [op.kind for op in read_graph(model).ops]


def describe(model: bytes) -> str:
    """The ops with their tensor shapes, for failure messages."""
    graph = read_graph(model)
    return "; ".join(f"{op.kind} {[list(graph.tensor(t).shape) for t in op.inputs if t >= 0]}"
                     f" -> {[list(graph.tensor(t).shape) for t in op.outputs]}" for op in graph.ops)


class KernelLibrary:
    """Kernels compiled once per session (-O2, ASan + UBSan), each the first time a model needs it.

    Compiling the kernels dominates an oracle check (seconds per model on a loaded machine); with
    them cached, each generated model compiles only model.c, model_weights.c and the driver.
    """

    def __init__(self, workdir: Path):
        self.workdir = Path(workdir)
        self._objects: dict[str, Path] = {}

    def _object(self, kernel_source: str) -> Path:
        if kernel_source not in self._objects:
            fw = firmware_dir()
            obj = self.workdir / (Path(kernel_source).stem + ".o")
            compile_c([fw / "kernels" / kernel_source], obj, [fw / "include"],
                      [*WARNINGS, "-O2", "-g", *SANITIZE], link=False)
            self._objects[kernel_source] = obj
        return self._objects[kernel_source]

    def build(self, model: bytes, workdir: Path, inplace: bool, variant: str = "portable") -> HostProgram:
        graph = read_graph(model)
        calls = specialise(graph, lower_graph(graph), variant)
        sources = generate_sources(graph, plan_memory(graph, calls, inplace=inplace), calls)
        workdir.mkdir(parents=True, exist_ok=True)
        sources.write(workdir)
        main = workdir / "host_main.c"
        main.write_text(_env().get_template("host_main.c.j2").render(prefix=sources.prefix,
                                                                      PREFIX=sources.prefix.upper()))
        exe = workdir / "model_host"
        objects = [self._object(k) for k in sources.kernels]
        compile_c([main, workdir / "model.c", workdir / "model_weights.c", *objects], exe, [workdir],
                  [*WARNINGS, "-O1", "-g", *SANITIZE])
        ins = [graph.tensor(t) for t in graph.inputs]
        outs = [graph.tensor(t) for t in graph.outputs]
        return HostProgram(exe, tuple(t.shape for t in ins), tuple(t.nbytes for t in ins),
                           tuple(t.shape for t in outs), tuple(t.nbytes for t in outs),
                           tuple(DTYPES[t.dtype][0] for t in outs))


_PROBE = """
import sys
from tflite_micro.python.tflite_micro import runtime
runtime.Interpreter.from_bytes(open(sys.argv[1], "rb").read())
"""


def tflm_accepts(model: bytes, workdir: Path) -> bool:
    """Whether tflite-micro can even prepare `model`: for some it aborts the whole process
    (e.g. broadcasts its kernels do not handle), so ask in a child process first."""
    import subprocess
    import sys

    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "probe.tflite"
    path.write_bytes(model)
    return subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True).returncode == 0


def assert_exact(library: KernelLibrary, model: bytes, samples: Sequence[Sequence[np.ndarray]],
                 workdir: Path, plans: Sequence[bool] = (True, False), variant: str = "portable") -> None:
    """Generated C equals tflite-micro bit for bit on every sample, under each arena plan, with
    the given kernel variant (the DSP ones run through their plain-C intrinsics on the host)."""
    if not tflm_accepts(model, workdir):
        # nothing to be exact with: mcugen must refuse the model too, cleanly, before generating
        reasons = [unsupported_reason(read_graph(model), op) for op in read_graph(model).ops]
        assert any(reasons), f"tflite-micro cannot prepare this model, mcugen accepts it: {describe(model)}"
        return
    oracle = TflmOracle(model)
    expected = [oracle.run(sample) for sample in samples]
    for inplace in plans:
        program = library.build(model, workdir / ("inplace" if inplace else "separate"), inplace, variant)
        got = program.run(samples)
        bad = [(s, o) for s, (ours, theirs) in enumerate(zip(got, expected))
               for o, (a, b) in enumerate(zip(ours, theirs))
               if a.tobytes() != np.asarray(b, dtype=a.dtype).reshape(a.shape).tobytes()]
        assert not bad, (f"inplace={inplace} variant={variant}: {len(bad)} mismatching outputs of "
                         f"{op_kinds(model)}, "
                         f"first (sample, output): {bad[:5]}")
