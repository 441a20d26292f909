"""LOG_SOFTMAX: tf.nn.log_softmax over the last axis after a Dense, through TensorFlow's
converter, bit for bit against tflite-micro under both arena plans (ASan + UBSan): row lengths
1, 2, 10 and 100, narrow, wide and huge calibration ranges (no, some and nearly all differences
skipped), ramps over the input's values and extreme rows (all -128, all 127, one peak). What
mcugen refuses: rows longer than 4095 (TFLM's int32 sum of exp() terms may wrap, and its log of
a wrapped sum is undefined) and input scales whose Prepare checks fail."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mcugen.convert.tflite_reader import read_graph
from mcugen.ops import unsupported_reason
from mcugen.ops.builtin import log_softmax
from tests.support.oracle import assert_exact, examples, op_kinds, random_samples, tf, to_int8


def log_softmax_model(shape, low: float = -3.0, high: float = 3.0, seed: int = 0):
    t = tf()
    k = t.keras
    x = k.Input(shape, batch_size=1)
    y = k.layers.Lambda(lambda v: t.nn.log_softmax(v, axis=-1))(k.layers.Dense(shape[-1])(x))
    return to_int8(k.Model(x, y), seed=seed, low=low, high=high)


def extremes(sample: np.ndarray) -> list[list[np.ndarray]]:
    flat = sample.reshape(-1)
    ramp = (np.arange(flat.size) * 255 // max(flat.size - 1, 1) - 128).astype(np.int8)
    peak = np.full_like(flat, -128)
    peak[flat.size // 2] = 127
    rows = [ramp, ramp[::-1].copy(), peak, np.full_like(flat, -128), np.full_like(flat, 127),
            np.where(np.arange(flat.size) % 2 == 0, 127, -128).astype(np.int8)]
    return [[r.reshape(sample.shape)] for r in rows]


@pytest.mark.slow
@pytest.mark.parametrize("depth", [1, 2, 10, 100])
@pytest.mark.parametrize("spread", [1.0, 40.0, 1000.0], ids=["narrow", "wide", "huge"])
def test_log_softmax_bit_exact(depth, spread, tmp_path):
    model = log_softmax_model((3, depth), -spread, spread)
    assert "LOG_SOFTMAX" in op_kinds(model), op_kinds(model)
    samples = random_samples(model, 6, seed=13)
    assert_exact(model, samples + extremes(samples[0][0]), tmp_path)


@pytest.mark.slow
@examples(5)
@given(depth=st.integers(1, 64), rows=st.integers(1, 3), spread=st.floats(0.05, 100.0),
       seed=st.integers(0, 1000))
def test_log_softmax_random(tmp_path_factory, depth, rows, spread, seed):
    model = log_softmax_model((rows, depth), -spread, spread, seed=seed)
    assert_exact(model, random_samples(model, 4, seed=seed), tmp_path_factory.mktemp("ls"),
                 may_refuse=True)


@pytest.mark.slow
def test_log_softmax_long_rows_refused():
    t = tf()
    k = t.keras
    x = k.Input((log_softmax.MAX_DEPTH + 1,), batch_size=1)
    model = to_int8(k.Model(x, k.layers.Lambda(lambda v: t.nn.log_softmax(v, axis=-1))(x)))
    graph = read_graph(model)
    (op,) = [o for o in graph.ops if o.kind == "LOG_SOFTMAX"]
    assert "4095" in unsupported_reason(graph, op)


def test_log_softmax_scaling_limits():
    """TFLM's Prepare: its input multiplier must exceed one (scale above 2^-26 or so); a scale of
    32 and more caps it. mcugen computes the same constants or refuses."""
    assert log_softmax.scaling(2.0 ** -28) is None
    multiplier, left_shift, divisor, shift, diff_min = log_softmax.scaling(64.0)
    assert (multiplier, left_shift, diff_min) == ((1 << 31) - 1, 31, 0)
    assert shift <= 0 and divisor > 0
