"""Tables of tflite-micro's integer arithmetic, checked against its runtime rather than read from
its source.

The sigmoid table its int16 LOGISTIC and TANH interpolate in (and the integer LSTM's gates with
them) is measured entry by entry: mcugen keeps the values in mcugen/ops/sigmoid16.py and
tests/ops/test_sigmoid16.py measures them again. How: a 16x8 TANH model with input scale
k / (3 * 4096) makes tflite-micro's Prepare pick a multiplier of exactly 16384 >> log2(k), so an
int16 input x reaches the lookup as k * x. At k * x = 256 * i the interpolation weight is zero
and TANH returns table[i] - 32768 exactly; the last entry shows only through the interpolation
from entry 254 (weight 255 of 256).

The int16 SOFTMAX's exp() and 1 / (1 + x) tables show only through the softmax itself, so
mcugen/ops/softmax16.py computes them and tests/ops/test_softmax16.py runs probe rows through
the runtime and through `softmax16_reference` (SoftmaxInt16 in numpy, on given tables): with an
input scale a hair above 10 / 65535 the difference x - 32767 of a row [32767, x] reaches the exp()
lookup as x itself, so the rows of every int16 x meet every lookup input once.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from mcugen.convert.tflite_reader import _schema
from tests.support.oracle import keras_sequential, tf, to_int16


def edited_model(model: bytes, edit: Callable) -> bytes:
    """`model` with `edit(tree)` applied to its flatbuffer object tree (schema.ModelT)."""
    import flatbuffers

    schema = _schema()
    tree = schema.ModelT.InitFromObj(schema.Model.GetRootAsModel(model, 0))
    edit(tree)
    builder = flatbuffers.Builder(0)
    builder.Finish(tree.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def run_tflm(model: bytes, x: np.ndarray) -> np.ndarray:
    """The one output of a one-input model on `x` (one sample, without its batch axis), as int64."""
    from tflite_micro.python.tflite_micro import runtime

    it = runtime.Interpreter.from_bytes(model, arena_size=max(1 << 20, 16 * x.size))
    it.set_input(x.astype(np.int16).reshape(1, *x.shape), 0)
    it.invoke()
    return it.get_output(0).astype(np.int64).reshape(x.shape)


def _tanh_with_input_scale(scale: float) -> bytes:
    def edit(tree):
        graph = tree.subgraphs[0]
        graph.tensors[graph.inputs[0]].quantization.scale = [scale]

    return edited_model(to_int16(keras_sequential((256,), tf().keras.layers.Activation("tanh"))), edit)


def measure_sigmoid_table() -> tuple[int, ...]:
    """tflite-micro's sigmoid_table_uint16, all 256 entries, from two TANH runs."""
    def tanh(model: bytes, x: np.ndarray) -> np.ndarray:
        return run_tflm(model, x.reshape(256))

    # lookup input 2x: x = 128 i lands on entry i exactly, for i = 0 .. 254
    exact = tanh(_tanh_with_input_scale(2.0 / 12288.0), np.arange(256) * 128)[:255] + 32768
    # multiplier 32767 (shift 14): x = 32640 reaches lookup input 65279 = 254 * 256 + 255, where
    # the output is entry 254 plus floor((255 * d + 128) / 256) = d for the step d to entry 255
    probe = tanh(_tanh_with_input_scale(32767.0 / 16384.0 / 12288.0), np.full(256, 32640))[0] + 32768
    last = int(exact[254] + (probe - exact[254]))
    return tuple(int(v) for v in exact) + (last,)


# --- int16 SOFTMAX ---------------------------------------------------------------------------

# a hair above 10 / 65535: the exp() lookup sees each difference d as d + 32767 exactly
SOFTMAX_PROBE_SCALE = float(np.nextafter(np.float32(10.0) / np.float32(65535), np.float32(1)))


def softmax16_model(shape: tuple[int, ...], input_scale: float | None = None, beta: float | None = None) -> bytes:
    """A 16x8 SOFTMAX model over `shape` (batch 1), its input scale and beta set as given."""
    def edit(tree):
        graph = tree.subgraphs[0]
        for tid in (graph.inputs[0], graph.outputs[0]):
            graph.tensors[tid].shape = np.array((1, *shape), np.int32)
            graph.tensors[tid].shapeSignature = None
        if input_scale is not None:
            graph.tensors[graph.inputs[0]].quantization.scale = [input_scale]
        if beta is not None:
            graph.operators[0].builtinOptions.beta = beta

    return edited_model(to_int16(keras_sequential((4,), tf().keras.layers.Softmax())), edit)


def softmax16_probe_rows() -> list[np.ndarray]:
    """[32767, x] for every int16 x (the exp() lookup at every input, the reciprocal for sums
    between one and two maxima), and [32767, x * 15] (sums up to sixteen)."""
    every = np.arange(-32768, 32768)
    top = np.full((every.size, 1), 32767)
    return [np.concatenate([top, every[:, None]], axis=1),
            np.concatenate([top, np.repeat(every[:, None], 15, axis=1)], axis=1)]


def _multiply_by_quantized_multiplier(x: np.ndarray, multiplier: int, shift: int) -> np.ndarray:
    """TFLM's MultiplyByQuantizedMultiplier (double rounding) on int64 arrays."""
    x = x * (1 << max(shift, 0))
    product = x * multiplier
    nudged = product + np.where(product >= 0, 1 << 30, 1 - (1 << 30))
    high = np.where(nudged >= 0, nudged >> 31, -((-nudged) >> 31))  # C division truncates
    right = max(-shift, 0)
    if right == 0:
        return high
    mask = (1 << right) - 1
    return (high >> right) + ((high & mask) > (mask >> 1) + (high < 0))


def _lookup(table: Sequence[int], x: np.ndarray) -> np.ndarray:
    """TFLM's LUTLookup for int16: segment x >> 7 of the table, interpolated by x & 127."""
    t = np.asarray(table, np.int64)
    index = 256 + (x >> 7)
    base = t[index]
    return base + (((t[index + 1] - base) * (x & 127) + 64) >> 7)


def softmax16_reference(x: np.ndarray, multiplier: int, shift: int, exp_table: Sequence[int],
                        reciprocal_table: Sequence[int]) -> np.ndarray:
    """tflite-micro's SoftmaxInt16 over the rows of `x` (last axis), with the given tables."""
    x = x.astype(np.int64)
    scaled = _multiply_by_quantized_multiplier(x - x.max(axis=-1, keepdims=True), multiplier, shift)
    exps = _lookup(exp_table, np.clip(scaled + 32767, -32768, 32767))
    total = exps.sum(axis=-1, keepdims=True)
    leading_zeros = 31 - np.floor(np.log2(total)).astype(np.int64)  # total < 2^31
    normalised = ((total << (leading_zeros - 1)) + (1 << 13)) >> 14
    reciprocal = _lookup(reciprocal_table, np.clip(normalised - (1 << 15) - (1 << 16), -32768, 32767))
    right = 31 - leading_zeros
    return np.clip((exps * reciprocal + (np.int64(1) << (right - 1))) >> right, 0, 32767)
