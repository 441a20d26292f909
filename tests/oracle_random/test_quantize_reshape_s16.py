"""QUANTIZE between integer types (the SEANet int32 <-> int16 models, and the int16 -> int16
requantization TensorFlow inserts where two scales meet) and RESHAPE of int16 tensors, bit-exact
with tflite-micro under both arena plans (the separate plan makes RESHAPE copy)."""
from __future__ import annotations

import pytest

from mcugen.convert.tflite_reader import read_graph
from tests.support.oracle import assert_exact, random_samples, tf, to_int16


@pytest.mark.parametrize("name", ["quantize0", "quantize1"])
def test_seanet_integer_quantize_is_bit_exact(name, shared_models, tmp_path):
    model = (shared_models / "breadth" / "seanet" / f"{name}.tflite").read_bytes()
    graph = read_graph(model)
    pair = {graph.tensor(graph.inputs[0]).dtype, graph.tensor(graph.outputs[0]).dtype}
    assert pair == {"INT16", "INT32"}
    assert assert_exact(model, random_samples(model, 3, seed=4), tmp_path) == {"quantize"}


def test_int16_requantize_and_reshape_are_bit_exact(tmp_path):
    k = tf().keras
    x = k.Input((8, 8, 3), batch_size=1)
    y = k.layers.Concatenate()([k.layers.MaxPooling2D(2)(x), k.layers.AveragePooling2D(2)(x)])
    y = k.layers.Reshape((16, 6))(k.layers.Activation("tanh")(y))
    model = to_int16(k.Model(x, y))
    kinds = [op.kind for op in read_graph(model).ops]
    assert "QUANTIZE" in kinds and "RESHAPE" in kinds, kinds
    # the separate plan gives RESHAPE its own buffer: copy_s16 runs (a view call, not listed)
    assert {"quantize", "concatenation"} <= assert_exact(model, random_samples(model, 3, seed=5), tmp_path,
                                                        plans=(False,))
    assert_exact(model, random_samples(model, 3, seed=5), tmp_path / "inplace", plans=(True,))
