"""MEAN on 16x8 models (int16 activations): Keras global average pooling and reductions over
other axes, bit-exact with tflite-micro under both arena plans, over the whole int16 range."""
from __future__ import annotations

import pytest

from mcugen.convert.tflite_reader import read_graph
from tests.support.oracle import assert_exact, keras_sequential, random_samples, tf, to_int16

CASES = {
    "global average pool": lambda L: L.GlobalAveragePooling2D(),
    "global average pool, kept dims": lambda L: L.GlobalAveragePooling2D(keepdims=True),
    "mean over width": lambda L: L.Lambda(lambda x: tf().reduce_mean(x, axis=2)),
    "mean over channels": lambda L: L.Lambda(lambda x: tf().reduce_mean(x, axis=-1, keepdims=True)),
}


@pytest.mark.parametrize("case", CASES)
def test_mean_s16_is_bit_exact(case, tmp_path):
    model = to_int16(keras_sequential((6, 7, 5), CASES[case](tf().keras.layers)), seed=len(case))
    graph = read_graph(model)
    assert [op.kind for op in graph.ops] == ["MEAN"]
    assert graph.tensor(graph.inputs[0]).dtype == "INT16"
    assert assert_exact(model, random_samples(model, 4, seed=2), tmp_path) == {"mean"}
