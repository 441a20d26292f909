"""L2_NORMALIZATION: tf.math.l2_normalize over the last axis (the one TFLite fuses), through
TensorFlow's converter, bit for bit against tflite-micro: random rows, rows of one value, an
all-zero-point row (sum 0: TFLM treats it as 1), and long rows."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.oracle import assert_exact, examples, op_kinds, random_samples, tf, to_int8


def l2_model(shape, low: float = -3.0, high: float = 3.0):
    t = tf()
    k = t.keras
    x = k.Input(shape, batch_size=1)
    y = k.layers.Lambda(lambda v: t.math.l2_normalize(v, axis=-1))(k.layers.Dense(shape[-1])(x))
    return to_int8(k.Model(x, y), low=low, high=high)


@pytest.mark.parametrize("shape", [(8,), (3, 16), (2, 3, 5), (1, 300)], ids=["1-D", "2-D", "3-D", "long"])
def test_l2_normalization_bit_exact(shape, tmp_path):
    model = l2_model(shape)
    assert "L2_NORMALIZATION" in op_kinds(model), op_kinds(model)
    samples = random_samples(model, 8, seed=8)
    samples += [[np.full_like(samples[0][0], v)] for v in (-128, 127, 0)]
    assert_exact(model, samples, tmp_path)


@examples(5)
@given(depth=st.integers(1, 64), rows=st.integers(1, 4), spread=st.floats(0.05, 8.0))
def test_l2_normalization_random(tmp_path_factory, depth, rows, spread):
    model = l2_model((rows, depth), -spread, spread)
    assert_exact(model, random_samples(model, 4, seed=12), tmp_path_factory.mktemp("l2"), may_refuse=True)
