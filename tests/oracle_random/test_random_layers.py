"""Hypothesis over single layers: shapes, strides, padding, dilation, activations, per-channel
versus per-tensor weights, broadcasting, calibration ranges (so scales and zero points vary).
Each example is a Keras model converted to int8 by TensorFlow, generated, compiled with ASan +
UBSan and compared bit for bit with tflite-micro on several inputs, under both arena plans.

Examples are derandomized (the same ones every run, as CI needs); MCUGEN_HYPOTHESIS_SCALE=4 runs
four times as many.
"""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mcugen.ops.variants import VARIANTS

from tests.support.oracle import assert_exact, examples, op_kinds, random_samples, ranges, tf, to_int8

pytestmark = pytest.mark.slow  # each test converts and compiles a few dozen models
SAMPLES = 6


def K():
    return tf().keras


def single(shape, layer):
    k = K()
    return k.Sequential([k.Input(shape, batch_size=1), layer])


activations = st.sampled_from([None, "relu", "relu6"])


variants = st.sampled_from(VARIANTS)


def check(tmp_path, model, rng, kind, variant="portable", **convert):
    """Convert `model`, make sure the op under test (`kind`, or one of several) survived
    conversion, and compare generated C (with kernel `variant`) with tflite-micro. A draw that
    tflite-micro cannot prepare passes only if mcugen refuses it too."""
    low, high = rng
    tflite = to_int8(model, low=low, high=high, **convert)
    kinds = (kind,) if isinstance(kind, str) else kind
    assert set(kinds) & set(op_kinds(tflite)), op_kinds(tflite)
    assert_exact(tflite, random_samples(tflite, SAMPLES, seed=11), tmp_path, variant=variant, may_refuse=True)


@st.composite
def window(draw, size_max=11):
    """(input h, w, kernel h, w, stride, dilation, padding) that Keras accepts."""
    h, w = draw(st.integers(1, size_max)), draw(st.integers(1, size_max))
    dilation = draw(st.sampled_from([1, 1, 2]))
    stride = 1 if dilation > 1 else draw(st.integers(1, 3))
    padding = draw(st.sampled_from(["same", "valid"]))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    if padding == "valid":  # the window must fit at least once
        kh = min(kh, (h - 1) // dilation + 1)
        kw = min(kw, (w - 1) // dilation + 1)
    return h, w, kh, kw, stride, dilation, padding


@examples(12)
@given(win=window(), cin=st.integers(1, 5), filters=st.integers(1, 7), act=activations,
       bias=st.booleans(), per_channel=st.booleans(), rng=ranges, variant=variants)
def test_conv_2d(tmp_path_factory, win, cin, filters, act, bias, per_channel, rng, variant):
    h, w, kh, kw, stride, dilation, padding = win
    layer = K().layers.Conv2D(filters, (kh, kw), strides=stride, dilation_rate=dilation,
                              padding=padding, activation=act, use_bias=bias)
    check(tmp_path_factory.mktemp("conv"), single((h, w, cin), layer), rng, "CONV_2D",
          variant, per_channel=per_channel)


@examples(10)
@given(win=window(), cin=st.integers(1, 6), multiplier=st.integers(1, 3), act=activations,
       per_channel=st.booleans(), rng=ranges, variant=variants)
def test_depthwise_conv_2d(tmp_path_factory, win, cin, multiplier, act, per_channel, rng,
                           variant):
    h, w, kh, kw, stride, dilation, padding = win
    layer = K().layers.DepthwiseConv2D((kh, kw), strides=stride, dilation_rate=dilation,
                                       padding=padding, depth_multiplier=multiplier, activation=act)
    check(tmp_path_factory.mktemp("dw"), single((h, w, cin), layer), rng,
          "DEPTHWISE_CONV_2D", variant, per_channel=per_channel)


@examples(8)
@given(n=st.integers(1, 40), rows=st.sampled_from([None, 1, 3]), units=st.integers(1, 20),
       act=activations, bias=st.booleans(), per_channel=st.booleans(), rng=ranges, variant=variants)
def test_fully_connected(tmp_path_factory, n, rows, units, act, bias, per_channel, rng,
                         variant):
    """`rows`: a 2-D input, so the layer runs as several FC rows (keep_num_dims or a reshape)."""
    layer = K().layers.Dense(units, activation=act, use_bias=bias)
    shape = (n,) if rows is None else (rows, n)
    # a 1-in, 1-out Dense over rows converts to an element-wise MUL
    check(tmp_path_factory.mktemp("fc"), single(shape, layer), rng,
          ("FULLY_CONNECTED", "MUL"), variant, per_channel=per_channel)


@examples(10)
@given(win=window(), c=st.integers(1, 6), kind=st.sampled_from(["avg", "max"]), rng=ranges)
def test_pool_2d(tmp_path_factory, win, c, kind, rng):
    h, w, kh, kw, stride, _, padding = win
    cls = K().layers.AveragePooling2D if kind == "avg" else K().layers.MaxPooling2D
    layer = cls((kh, kw), strides=stride, padding=padding)
    check(tmp_path_factory.mktemp("pool"), single((h, w, c), layer), rng,
          "AVERAGE_POOL_2D" if kind == "avg" else "MAX_POOL_2D")


@st.composite
def broadcast_pair(draw):
    """Two input shapes (without batch) that broadcast, each dim full or 1, ranks may differ;
    at most 4-D with the batch dim, as TFLM broadcasts no further."""
    rank = draw(st.integers(1, 3))
    out = [draw(st.integers(1, 5)) for _ in range(rank)]
    a = [d if draw(st.booleans()) else 1 for d in out]
    b = [d if draw(st.booleans()) else 1 for d in out]
    b = b[draw(st.integers(0, rank - 1)):]  # a lower-rank second input broadcasts from the right
    return tuple(a), tuple(b) or (1,)


@examples(14)
@given(shapes=broadcast_pair(), op=st.sampled_from(["add", "sub", "mul"]),
       relu=st.booleans(), rng=ranges, variant=variants)
def test_binary_broadcasting(tmp_path_factory, shapes, op, relu, rng, variant):
    k, L = K(), K().layers
    a, b = (k.Input(s, batch_size=1, name=f"in{i}") for i, s in enumerate(shapes))
    # raw TF ops: Keras' `+` becomes BiasAdd for some shapes, which the converter then rejects
    fn = {"add": tf().math.add, "sub": tf().math.subtract, "mul": tf().math.multiply}[op]
    y = L.Lambda(lambda ts: fn(ts[0], ts[1]))([a, b])
    if relu:
        y = L.ReLU()(y)
    check(tmp_path_factory.mktemp("bin"), k.Model([a, b], y), rng, op.upper(), variant)


@examples(12)
@given(shape=st.lists(st.integers(1, 6), min_size=1, max_size=3).map(tuple),
       act=st.sampled_from(["relu", "relu6", "sigmoid", "tanh", "leaky", "hard_swish", "softmax"]),
       alpha=st.one_of(st.floats(0.01, 0.95), st.floats(1.05, 2.0)), beta=st.floats(0.2, 3.0),
       rng=ranges)
def test_activation(tmp_path_factory, shape, act, alpha, beta, rng):
    L = K().layers
    layer = {"relu": lambda: L.ReLU(), "relu6": lambda: L.ReLU(6.0),
             "leaky": lambda: L.LeakyReLU(negative_slope=alpha),
             "softmax": lambda: L.Lambda(lambda x: tf().nn.softmax(x * beta))}.get(
        act, lambda: L.Activation({"sigmoid": "sigmoid", "tanh": "tanh", "hard_swish": "hard_swish"}[act]))()
    kind = {"relu": "RELU", "relu6": "RELU6", "sigmoid": "LOGISTIC", "tanh": "TANH",
            "leaky": "LEAKY_RELU", "hard_swish": "HARD_SWISH", "softmax": "SOFTMAX"}[act]
    check(tmp_path_factory.mktemp("act"), single(shape, layer), rng, kind)


@examples(6)
@given(shape=st.lists(st.integers(1, 5), min_size=2, max_size=4).map(tuple), data=st.data(),
       keepdims=st.booleans(), rng=ranges)
def test_mean(tmp_path_factory, shape, data, keepdims, rng):
    rank = len(shape) + 1  # with the batch dim
    axes = data.draw(st.lists(st.integers(1, rank - 1), min_size=1, max_size=rank - 1, unique=True))
    layer = K().layers.Lambda(lambda x: tf().reduce_mean(x, axis=axes, keepdims=keepdims))
    check(tmp_path_factory.mktemp("mean"), single(shape, layer), rng, "MEAN")


@examples(5)
@given(shape=st.lists(st.integers(1, 5), min_size=1, max_size=3).map(tuple), data=st.data(),
       constant=st.one_of(st.none(), st.floats(-2, 2)), rng=ranges)
def test_pad(tmp_path_factory, shape, data, constant, rng):
    pads = [[0, 0]] + [[data.draw(st.integers(0, 3)), data.draw(st.integers(0, 3))] for _ in shape]
    if not any(map(any, pads)):
        pads[-1][1] = 1  # all-zero paddings convert to no op at all
    kw = {} if constant is None else {"constant_values": constant}
    layer = K().layers.Lambda(lambda x: tf().pad(x, pads, **kw))
    check(tmp_path_factory.mktemp("pad"), single(shape, layer), rng,
          "PAD" if constant is None else "PADV2")


@examples(5)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=3).map(tuple), data=st.data(),
       n=st.integers(2, 4), rng=ranges)
def test_concatenation(tmp_path_factory, shape, data, n, rng):
    k, L = K(), K().layers
    axis = data.draw(st.integers(1, len(shape)))
    shapes = []
    for _ in range(n):
        s = list(shape)
        s[axis - 1] = data.draw(st.integers(1, 4))
        shapes.append(tuple(s))
    inputs = [k.Input(s, batch_size=1, name=f"in{i}") for i, s in enumerate(shapes)]
    model = k.Model(inputs, L.Concatenate(axis=axis)(inputs))
    check(tmp_path_factory.mktemp("cat"), model, rng, "CONCATENATION")
