"""DEQUANTIZE int16 -> float32: a 16x8 model with an int16 input and a float output (TensorFlow
puts the DEQUANTIZE at the end), bit-exact with tflite-micro, -0.0 and all."""
from __future__ import annotations

import numpy as np

from mcugen.convert.keras_convert import captured_native_output
from mcugen.convert.tflite_reader import read_graph
from tests.support.oracle import assert_exact, keras_sequential, tf


def test_dequantize_s16_is_bit_exact(tmp_path):
    t = tf()
    model = keras_sequential((6, 5), t.keras.layers.Activation("tanh"))
    converter = t.lite.TFLiteConverter.from_keras_model(model)
    converter.optimizations = [t.lite.Optimize.DEFAULT]
    rng = np.random.default_rng(0)
    converter.representative_dataset = lambda: ([rng.uniform(-3, 3, (1, 6, 5)).astype(np.float32)]
                                                for _ in range(16))
    converter.target_spec.supported_ops = [t.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
    converter.inference_input_type = t.int16
    converter.inference_output_type = t.float32
    with captured_native_output():
        tflite = bytes(converter.convert())
    graph = read_graph(tflite)
    assert [op.kind for op in graph.ops] == ["TANH", "DEQUANTIZE"]
    assert graph.tensor(graph.outputs[0]).dtype == "FLOAT32"
    samples = [[rng.integers(-32768, 32768, (1, 6, 5), dtype=np.int16)] for _ in range(6)]
    assert assert_exact(tflite, samples, tmp_path) == {"tanh", "dequantize"}
