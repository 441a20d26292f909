"""Tables of tflite-micro's integer arithmetic, measured from its runtime rather than read from
its source: the 256-entry sigmoid table its int16 LOGISTIC and TANH interpolate in (and the
integer LSTM's gates with them). mcugen keeps the measured values in mcugen/ops/sigmoid16.py;
tests/ops/test_sigmoid16.py measures them again and compares.

How: a 16x8 TANH model with input scale k / (3 * 4096) makes tflite-micro's Prepare pick a
multiplier of exactly 16384 >> log2(k), so an int16 input x reaches the lookup as k * x. At
k * x = 256 * i the interpolation weight is zero and TANH returns table[i] - 32768 exactly; the
last entry shows only through the interpolation from entry 254 (weight 255 of 256).
"""
from __future__ import annotations

import numpy as np

from mcugen.convert.tflite_reader import _schema
from tests.support.oracle import keras_sequential, tf, to_int16


def _tanh_with_input_scale(scale: float) -> bytes:
    import flatbuffers

    schema = _schema()
    model = to_int16(keras_sequential((256,), tf().keras.layers.Activation("tanh")))
    tree = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    graph = tree.subgraphs[0]
    graph.tensors[graph.inputs[0]].quantization.scale = [scale]
    builder = flatbuffers.Builder(0)
    builder.Finish(tree.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _tanh(model: bytes, x: np.ndarray) -> np.ndarray:
    from tflite_micro.python.tflite_micro import runtime

    it = runtime.Interpreter.from_bytes(model)
    it.set_input(x.astype(np.int16).reshape(1, 256), 0)
    it.invoke()
    return it.get_output(0).astype(np.int64).reshape(-1)


def measure_sigmoid_table() -> tuple[int, ...]:
    """tflite-micro's sigmoid_table_uint16, all 256 entries, from two TANH runs."""
    # lookup input 2x: x = 128 i lands on entry i exactly, for i = 0 .. 254
    exact = _tanh(_tanh_with_input_scale(2.0 / 12288.0), np.arange(256) * 128)[:255] + 32768
    # multiplier 32767 (shift 14): x = 32640 reaches lookup input 65279 = 254 * 256 + 255, where
    # the output is entry 254 plus floor((255 * d + 128) / 256) = d for the step d to entry 255
    probe = _tanh(_tanh_with_input_scale(32767.0 / 16384.0 / 12288.0), np.full(256, 32640))[0] + 32768
    last = int(exact[254] + (probe - exact[254]))
    return tuple(int(v) for v in exact) + (last,)
