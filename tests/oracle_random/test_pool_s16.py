"""AVERAGE_POOL_2D and MAX_POOL_2D on 16x8 models (int16 activations): TensorFlow's 16x8
conversion of Keras pooling layers, bit-exact with tflite-micro under both arena plans, on random
int16 inputs over the whole range (so sums and rounding reach their extremes)."""
from __future__ import annotations

import pytest

from mcugen.convert.tflite_reader import read_graph
from tests.support.oracle import assert_exact, keras_sequential, random_samples, tf, to_int16

CASES = {
    "avg 2x2 valid": ("avg", dict(pool_size=2)),
    "avg 3x3 same stride 2": ("avg", dict(pool_size=3, strides=2, padding="same")),
    "avg 3x2 same stride 1": ("avg", dict(pool_size=(3, 2), strides=1, padding="same")),
    "max 2x2 valid": ("max", dict(pool_size=2)),
    "max 3x3 same stride 2": ("max", dict(pool_size=3, strides=2, padding="same")),
    "max 2x3 same stride (1, 2)": ("max", dict(pool_size=(2, 3), strides=(1, 2), padding="same")),
}


@pytest.mark.parametrize("case", CASES)
def test_pool_s16_is_bit_exact(case, tmp_path):
    kind, options = CASES[case]
    L = tf().keras.layers
    layer = L.AveragePooling2D(**options) if kind == "avg" else L.MaxPooling2D(**options)
    model = to_int16(keras_sequential((9, 7, 5), layer), seed=len(case))
    graph = read_graph(model)
    assert [op.kind for op in graph.ops] == [("AVERAGE" if kind == "avg" else "MAX") + "_POOL_2D"]
    assert graph.tensor(graph.inputs[0]).dtype == "INT16"
    kernels = assert_exact(model, random_samples(model, 4, seed=3), tmp_path)
    assert kernels == {f"{'average' if kind == 'avg' else 'max'}_pool_2d"}
