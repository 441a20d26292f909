"""Helpers for the kernel-variant tests: small Keras models converted to int8 here, and a host
check of the generated code (a kernel variant, both arena plans) against tflite-micro."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np

from mcugen.codegen import generate_sources
from mcugen.codegen.memory import plan_memory
from mcugen.convert.keras_convert import captured_native_output
from mcugen.convert.tflite_reader import read_graph
from mcugen.hostrun import build_host
from mcugen.ops import lower_graph
from mcugen.ops.variants import specialise
from mcugen.oracle import TflmOracle


def keras_int8(build: Callable, input_shape: tuple[int, ...], seed: int) -> bytes:
    """`build(keras, inputs) -> outputs` with seeded random weights, converted to an int8 .tflite
    (int8 input and output, per-channel weights) calibrated on random data."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    tf.keras.utils.set_random_seed(seed)
    inputs = tf.keras.Input(input_shape, batch_size=1)
    model = tf.keras.Model(inputs, build(tf.keras, inputs))
    rng = np.random.default_rng(seed)
    for layer in model.layers:  # lively biases, so the folded bias is really exercised
        weights = layer.get_weights()
        if len(weights) == 2:
            layer.set_weights([weights[0], rng.normal(0, 0.3, weights[1].shape).astype(np.float32)])

    def representative():
        for _ in range(16):
            yield [rng.uniform(-2, 2, (1, *input_shape)).astype(np.float32)]

    converter = tf.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [tf.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = tf.int8
    converter.inference_output_type = tf.int8
    with captured_native_output():  # TensorFlow prints at the C level
        return bytes(converter.convert())


@dataclass(frozen=True)
class HostCheck:
    kernels: frozenset[str]  # kernels the generated code calls
    mismatches: tuple[tuple[str, int], ...]  # (plan, sample) whose outputs differ

    @property
    def exact(self) -> bool:
        return not self.mismatches


def random_samples(model: bytes, n: int, seed: int) -> list[list[np.ndarray]]:
    graph = read_graph(model)
    rng = np.random.default_rng(seed)
    return [[rng.integers(-128, 128, graph.tensor(t).shape, dtype=np.int8) for t in graph.inputs]
            for _ in range(n)]


def check_on_host(model: bytes, workdir: Path, variant: str = "dsp", n: int = 4, seed: int = 0,
                  plans: tuple[bool, ...] = (True, False)) -> HostCheck:
    """Generate `model` with `variant` kernels, compile for the host (gcc -Werror, ASan + UBSan;
    the DSP kernels run their plain-C intrinsics), run `n` random samples under each arena plan
    (in-place: True, separate buffers: False) and compare every output byte with tflite-micro."""
    graph = read_graph(model)
    calls = specialise(graph, lower_graph(graph), variant)
    samples = random_samples(model, n, seed)
    oracle = TflmOracle(model)
    expected = [oracle.run(s) for s in samples]
    mismatches = []
    for inplace in plans:
        plan = plan_memory(graph, calls, inplace=inplace)
        program = build_host(generate_sources(graph, plan, calls), workdir / f"inplace_{inplace}", graph=graph,
                             opt="-O1")
        for s, (got, want) in enumerate(zip(program.run(samples), expected)):
            if not all(np.array_equal(a, np.asarray(b).reshape(a.shape)) for a, b in zip(got, want)):
                mismatches.append(("in-place" if inplace else "separate", s))
    return HostCheck(frozenset(c.kernel for c in calls if not c.view), tuple(mismatches))
