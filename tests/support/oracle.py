"""The oracle harness of the tests: Keras models converted to int8 by TensorFlow here, random
inputs, and one check that mcugen's generated C equals tflite-micro on every output byte.

The checking itself is mcugen.hostrun (gcc -Werror, ASan + UBSan, kernel objects cached by
content; one process runs all samples); this module adds the tests' policy: both arena plans,
named cases that tflite-micro must accept, and randomized draws that may be refused by both.

TensorFlow is imported lazily (about 2 s).
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from mcugen.convert.keras_convert import captured_native_output
from mcugen.convert.tflite_reader import read_graph
from mcugen.hostrun import compare_with_tflm, tflm_outputs
from mcugen.ir import DTYPES
from mcugen.ops import unsupported_reason

CALIBRATION_SAMPLES = 16
SCALE = float(os.environ.get("MCUGEN_HYPOTHESIS_SCALE", "1"))
PLANS = {True: "in-place", False: "separate"}  # plan_memory(inplace=...) -> its name in messages

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


def seeded_model(build: Callable, input_shape: tuple[int, ...], seed: int):
    """`build(keras, inputs) -> outputs` as a Keras model with weights drawn from `seed` and lively
    biases (normal, sd 0.3), so the folded bias is really exercised. Returns (model, rng): pass
    the rng on to `to_int8(model, rng=rng)` to calibrate from the same stream."""
    keras = tf().keras
    keras.utils.set_random_seed(seed)
    inputs = keras.Input(input_shape, batch_size=1)
    model = keras.Model(inputs, build(keras, inputs))
    rng = np.random.default_rng(seed)
    for layer in model.layers:
        weights = layer.get_weights()
        if len(weights) == 2:
            layer.set_weights([weights[0], rng.normal(0, 0.3, weights[1].shape).astype(np.float32)])
    return model, rng


def keras_sequential(shape, *layers):
    """A Keras model of `layers` on an input of `shape` (batch 1), for one-op test models."""
    k = tf().keras
    return k.Sequential([k.Input(shape, batch_size=1), *layers])


def to_int8(model, seed: int = 0, float_io: bool = False, low: float = -3.0, high: float = 3.0,
            calibration: Callable[[np.random.Generator, tuple[int, ...]], np.ndarray] | None = None,
            per_channel: bool = True, per_channel_dense: bool | None = None,
            rng: np.random.Generator | None = None, activations: str = "int8") -> bytes:
    """Full-integer conversion of a Keras model, calibrated on 16 random samples (uniform in
    [low, high], or `calibration(rng, shape)`) drawn from `rng` or a fresh default_rng(seed).

    int8 I/O unless `float_io` (then the model keeps float32 input and output around
    QUANTIZE/DEQUANTIZE). `per_channel=False` gives per-tensor weights for convolutions and dense
    layers; `per_channel_dense` sets the dense layers' apart. Several inputs must be named so that
    their names sort in model order ("in0", "in1", ...): the converter orders them by name.

    `activations="int16"` converts in TensorFlow's 16x8 mode (int16 activations and I/O, int8
    weights); `to_int16` says so shorter."""
    t = tf()
    shapes = [tuple(int(d) for d in i.shape[1:]) for i in model.inputs]
    dense = per_channel if per_channel_dense is None else per_channel_dense

    def representative():
        draw = rng if rng is not None else np.random.default_rng(seed)
        for _ in range(CALIBRATION_SAMPLES):
            yield [(calibration(draw, (1, *s)) if calibration else draw.uniform(low, high, (1, *s)))
                   .astype(np.float32) for s in shapes]

    converter = t.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [t.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    if activations == "int16":
        converter.target_spec.supported_ops = [
            t.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    else:
        converter.target_spec.supported_ops = [t.lite.OpsSet.TFLITE_BUILTINS_INT8]
    if not per_channel:
        converter._experimental_disable_per_channel = True
    if not dense:
        converter._experimental_disable_per_channel_quantization_for_dense_layers = True
    if not float_io:
        io_type = t.int16 if activations == "int16" else t.int8
        converter.inference_input_type = io_type
        converter.inference_output_type = io_type
    with captured_native_output():  # TensorFlow prints at the C level
        return bytes(converter.convert())


def to_int16(model, **options) -> bytes:
    """`to_int8` in TensorFlow's 16x8 mode: int16 activations and I/O, int8 weights (int64 bias
    for convolutions and dense layers)."""
    return to_int8(model, activations="int16", **options)


def random_samples(model: bytes, count: int, seed: int, low: float = -4.0,
                   high: float = 4.0) -> list[list[np.ndarray]]:
    """`count` samples, each one array per model input: uniform over the input's integer type
    (int8, int16), or floats in [low, high] for float inputs, drawn in order from default_rng(seed)."""
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
                info = np.iinfo(DTYPES[t.dtype][0])
                sample.append(rng.integers(info.min, info.max, t.shape, dtype=DTYPES[t.dtype][0],
                                           endpoint=True))
        samples.append(sample)
    return samples


def op_kinds(model: bytes) -> list[str]:
    return [op.kind for op in read_graph(model).ops]


def describe(model: bytes) -> str:
    """The ops with their tensor shapes, for failure messages."""
    graph = read_graph(model)
    return "; ".join(f"{op.kind} {[list(graph.tensor(t).shape) for t in op.inputs if t >= 0]}"
                     f" -> {[list(graph.tensor(t).shape) for t in op.outputs]}" for op in graph.ops)


_PROBE = """
import sys
from tflite_micro.python.tflite_micro import runtime
from mcugen.oracle import DEFAULT_ARENA  # the arena the oracle runs with: the default is too small for some models
runtime.Interpreter.from_bytes(open(sys.argv[1], "rb").read(), arena_size=DEFAULT_ARENA)
"""


def tflm_accepts(model: bytes, workdir: Path) -> bool:
    """Whether tflite-micro can even prepare `model`: for some it aborts the whole process
    (e.g. broadcasts its kernels do not handle), so ask in a child process first."""
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "probe.tflite"
    path.write_bytes(model)
    return subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True).returncode == 0


def assert_exact(model: bytes, samples: Sequence[Sequence[np.ndarray]], workdir: Path,
                 plans: Sequence[bool] = (True, False), variant: str = "portable",
                 may_refuse: bool = False) -> frozenset[str]:
    """Generated C equals tflite-micro bit for bit on every output of every sample, under each
    arena plan (in-place: True, separate buffers: False), with the given kernel variant (the DSP
    ones run through their plain-C intrinsics on the host), compiled with ASan + UBSan. Returns
    the kernels the generated code calls.

    tflite-micro must accept the model, unless `may_refuse` (randomized draws only: a named case
    must never pass by comparing nothing); then mcugen must refuse it too, and nothing is run."""
    if not tflm_accepts(model, workdir):
        if not may_refuse:
            pytest.fail(f"tflite-micro cannot prepare this named case: {describe(model)}")
        graph = read_graph(model)
        reasons = [unsupported_reason(graph, op) for op in graph.ops]
        assert any(reasons), f"tflite-micro cannot prepare this model, mcugen accepts it: {describe(model)}"
        return frozenset()
    reference = tflm_outputs(model, samples)
    kernels: frozenset[str] = frozenset()
    for inplace in plans:
        result = compare_with_tflm(model, samples, workdir / PLANS[inplace].replace("-", ""),
                                   inplace=inplace, reference=reference, variant=variant, opt="-O1")
        assert result.exact, (f"{PLANS[inplace]} plan, {variant} kernels: {len(result.mismatches)} "
                              f"mismatching outputs of {op_kinds(model)}, first (sample, output, "
                              f"max |difference|): {result.mismatches[:5]}")
        kernels = result.kernels
    return kernels
