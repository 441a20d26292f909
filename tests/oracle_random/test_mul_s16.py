"""MUL on 16x8 models (int16 activations, zero points 0): Keras Multiply of two inputs, same shape
and broadcast, bit-exact with tflite-micro under both arena plans over the whole int16 range."""
from __future__ import annotations

import pytest

from mcugen.convert.tflite_reader import read_graph
from tests.support.oracle import assert_exact, random_samples, tf, to_int16

SHAPES = {"same shape": ((4, 5, 3), (4, 5, 3)), "broadcast channels": ((4, 5, 3), (1, 1, 3)),
          "broadcast rows": ((4, 5, 3), (4, 1, 3))}


@pytest.mark.parametrize("case", SHAPES)
def test_mul_s16_is_bit_exact(case, tmp_path):
    keras = tf().keras
    shape_a, shape_b = SHAPES[case]
    a = keras.Input(shape_a, batch_size=1, name="in0")
    b = keras.Input(shape_b, batch_size=1, name="in1")
    model = to_int16(keras.Model([a, b], keras.layers.Multiply()([a, b])), seed=len(case))
    graph = read_graph(model)
    assert [op.kind for op in graph.ops] == ["MUL"]
    assert {graph.tensor(t).dtype for t in (*graph.inputs, *graph.outputs)} == {"INT16"}
    assert assert_exact(model, random_samples(model, 4, seed=7), tmp_path) == {"mul"}
