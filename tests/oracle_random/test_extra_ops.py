"""Each extra op (SUB, MUL, activations, MEAN, PAD, CONCATENATION, QUANTIZE, DEQUANTIZE) in a
Keras model converted by TensorFlow here, generated, compiled with ASan + UBSan and compared
bit for bit with tflite-micro under both arena plans. The randomized suites in this folder
vary the same ops' parameters; these fixed cases name each op and its corner cases."""
from __future__ import annotations

import numpy as np
import pytest

from tests.support.oracle import assert_exact, keras_sequential, op_kinds, random_samples, tf, to_int8

SAMPLES = 24


def keras():
    return tf().keras


seq = keras_sequential


def two(shape_a, shape_b, fn):
    k = keras()
    # names that sort in order: the converter orders a signature's inputs by name
    a, b = k.Input(shape_a, batch_size=1, name="in0"), k.Input(shape_b, batch_size=1, name="in1")
    return k.Model([a, b], fn(a, b))


# name -> (the op the converted model must contain, the Keras model built from keras.layers)
CASES = {
    "SUB": ("SUB", lambda L: two((4, 5), (4, 5), lambda a, b: L.Subtract()([a, b]))),
    "SUB broadcast": ("SUB", lambda L: two((3, 4, 5), (1, 5), lambda a, b: a - b)),
    "MUL": ("MUL", lambda L: two((4, 5), (4, 5), lambda a, b: L.Multiply()([a, b]))),
    "MUL broadcast 4-D": ("MUL", lambda L: two((3, 4, 5), (4, 1), lambda a, b: a * b)),  # with batch
    "MUL by constant": ("MUL", lambda L: two((6,), (6,), lambda a, b: L.ReLU()(
        a * tf().constant(np.linspace(-2, 3, 6, dtype=np.float32))) + b)),
    "MUL square": ("MUL", lambda L: seq((10,), L.Lambda(lambda x: x * x))),  # one tensor, both inputs
    "LOGISTIC": ("LOGISTIC", lambda L: seq((6, 7), L.Activation("sigmoid"))),
    "TANH": ("TANH", lambda L: seq((17,), L.Activation("tanh"))),
    "HARD_SWISH": ("HARD_SWISH", lambda L: seq((3, 3, 4), L.Activation("hard_swish"))),
    "LEAKY_RELU": ("LEAKY_RELU", lambda L: seq((20,), L.LeakyReLU(negative_slope=0.3))),
    "LEAKY_RELU steep": ("LEAKY_RELU", lambda L: seq((20,), L.LeakyReLU(negative_slope=1.7))),
    "RELU": ("RELU", lambda L: seq((3, 7), L.ReLU())),  # alone: it requantizes to its own output scale
    "RELU6": ("RELU6", lambda L: seq((20,), L.ReLU(6.0))),
    "MEAN global pooling": ("MEAN", lambda L: seq((5, 6, 7), L.GlobalAveragePooling2D())),
    "MEAN keepdims": ("MEAN", lambda L: seq((5, 6, 7), L.GlobalAveragePooling2D(keepdims=True))),
    "MEAN middle axis": ("MEAN", lambda L: seq((5, 6, 7), L.Lambda(lambda x: tf().reduce_mean(x, axis=2)))),
    "MEAN outer axes": ("MEAN", lambda L: seq((4, 3, 5), L.Lambda(lambda x: tf().reduce_mean(x, axis=[1, 3])))),
    "PAD": ("PAD", lambda L: seq((5, 6, 3), L.ZeroPadding2D(((1, 2), (0, 3))))),
    "PADV2": ("PADV2", lambda L: seq((4, 4, 2), L.Lambda(
        lambda x: tf().pad(x, [[0, 0], [1, 1], [2, 0], [0, 1]], constant_values=0.5)))),
    "CONCATENATION last axis": ("CONCATENATION", lambda L: two(
        (3, 4), (3, 2), lambda a, b: L.Concatenate(axis=-1)([a, b]))),
    "CONCATENATION first axis": ("CONCATENATION", lambda L: two(
        (3, 4), (2, 4), lambda a, b: L.Concatenate(axis=1)([a, b]))),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_bit_exact(name, tmp_path):
    expected_op, build = CASES[name]
    model = to_int8(build(keras().layers))
    assert expected_op in op_kinds(model), op_kinds(model)
    assert_exact(model, random_samples(model, SAMPLES, seed=7), tmp_path)


def test_every_int8_value_through_the_tables(tmp_path):
    """The table ops see all 256 input values (a ramp), not just random ones."""
    k, L = keras(), keras().layers
    x = k.Input((256,), batch_size=1)
    y = L.Concatenate()([L.Activation("sigmoid")(x), L.Activation("tanh")(x),
                         L.Activation("hard_swish")(x), L.LeakyReLU(negative_slope=0.1)(x)])
    model = to_int8(k.Model(x, y), low=-8, high=8)
    assert {"LOGISTIC", "TANH", "HARD_SWISH", "LEAKY_RELU"} <= set(op_kinds(model))
    ramp = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    assert_exact(model, [[ramp], [ramp[:, ::-1].copy()]], tmp_path)


def test_float_model_io_quantize_and_dequantize(tmp_path):
    """A float-I/O model: QUANTIZE (float -> int8) in front, DEQUANTIZE (int8 -> float) behind,
    fed values on exact rounding midpoints and far outside the int8 range (but not beyond
    int32 after scaling: TFLM's float-to-int cast is undefined there, mcugen saturates)."""
    L = keras().layers
    model = to_int8(seq((40,), L.Dense(12), L.Activation("tanh")), float_io=True)
    kinds = op_kinds(model)
    assert kinds[0] == "QUANTIZE" and kinds[-1] == "DEQUANTIZE", kinds
    from mcugen.convert.tflite_reader import read_graph

    graph = read_graph(model)
    q = graph.tensor(graph.ops[0].outputs[0]).quant
    halves = ((np.arange(40) - 20 + 0.5) * np.float32(q.scale)).astype(np.float32).reshape(1, 40)
    extremes = (np.array([1e9, -1e9, 3e5, -3e5, 200, -200, 129, -129] * 5) * q.scale
                ).astype(np.float32).reshape(1, 40)
    samples = random_samples(model, SAMPLES, seed=3) + [[halves], [-halves], [extremes]]
    assert_exact(model, samples, tmp_path)


def test_requantizing_quantize(tmp_path):
    """int8 -> int8 QUANTIZE, which the converter inserts where a fixed-scale output (TANH's
    1/128) must meet another scale (CONCATENATION needs one)."""
    k, L = keras(), keras().layers
    a = k.Input((8,), batch_size=1)
    model = to_int8(k.Model(a, L.Concatenate()([L.Activation("tanh")(a), L.Dense(8)(a)])))
    if "QUANTIZE" not in op_kinds(model):
        pytest.fail(f"the converter no longer inserts an int8 QUANTIZE here: {op_kinds(model)}")
    assert_exact(model, random_samples(model, SAMPLES, seed=5), tmp_path)


def test_in_place_plan_really_overlaps_the_element_wise_ops(tmp_path):
    """The in-place plan puts these ops' outputs on their inputs' bytes, so the oracle check
    above them exercises the kernels' read-before-write order, not just separate buffers."""
    from mcugen import pipeline
    from mcugen.convert.tflite_reader import read_graph
    from mcugen.ops import lower_graph

    k, L = keras(), keras().layers
    x = k.Input((6, 6, 3), batch_size=1)
    y = L.Conv2D(4, 3, padding="same")(x)
    y = L.Activation("hard_swish")(L.Activation("tanh")(L.LeakyReLU(negative_slope=0.1)(y)))
    side = L.Conv2D(4, 1)(y)
    y = L.Subtract()([L.Multiply()([y, side]), side])
    model = to_int8(k.Model(x, L.Activation("sigmoid")(y)))
    graph = read_graph(model)
    plan = pipeline.plan(graph, lower_graph(graph), inplace=True)
    aliased = {op.kind for op in graph.ops
               if plan.tensor_offsets[op.outputs[0]] in [plan.tensor_offsets.get(t) for t in op.inputs]}
    assert {"LEAKY_RELU", "TANH", "HARD_SWISH", "MUL", "SUB", "LOGISTIC"} <= aliased, aliased
    assert_exact(model, random_samples(model, SAMPLES, seed=9), tmp_path)
