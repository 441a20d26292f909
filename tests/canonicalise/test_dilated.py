"""SPACE_TO_BATCH_ND -> (views) -> CONV_2D/DEPTHWISE_CONV_2D -> (views) -> BATCH_TO_SPACE_ND, as
TensorFlow writes dilated convolutions of a model with a dynamic batch, becomes one dilated
convolution, bit-exact with tflite-micro (which pads with int8 0: with a non-zero input zero
point the rewrite pads explicitly), for Conv1D/Conv2D/DepthwiseConv2D, SAME and VALID."""
from __future__ import annotations

import pytest

from mcugen import pipeline
from mcugen.canonicalise.batch import fix_dynamic_batch
from mcugen.convert.tflite_reader import read_graph
from tests.support.oracle import assert_exact, random_samples, seeded_model, tf, to_int8

pytestmark = pytest.mark.slow


def keras_model(shape, layer):
    """`layer(keras)` on an input of `shape` with a dynamic batch (None)."""
    k = tf().keras
    k.utils.set_random_seed(1)
    inp = k.Input(shape)
    return k.Model(inp, layer(k.layers)(inp))


CASES = {  # name -> (input shape, layer, calibration range: [0, 6] gives input zero point -128)
    "Conv2D SAME 2x3": ((9, 11, 3), lambda L: L.Conv2D(5, 3, dilation_rate=(2, 3), padding="same"), (-3, 3)),
    "Conv2D VALID, zero point -128": ((10, 9, 2), lambda L: L.Conv2D(4, (2, 3), dilation_rate=2,
                                                                     padding="valid"), (0, 6)),
    "DepthwiseConv2D SAME, zero point -128": ((8, 8, 4), lambda L: L.DepthwiseConv2D(
        3, dilation_rate=3, padding="same", depth_multiplier=2), (0, 6)),
    "Conv1D SAME even kernel, zero point -128": ((17, 3), lambda L: L.Conv1D(
        4, 2, dilation_rate=4, padding="same", activation="relu"), (0, 6)),
    "Conv1D causal (PAD first), zero point -128": ((20, 3), lambda L: L.Conv1D(
        4, 3, dilation_rate=2, padding="causal"), (0, 6)),
    "SeparableConv1D SAME, zero point -128": ((20, 3), lambda L: L.SeparableConv1D(
        4, 3, dilation_rate=2, padding="same"), (0, 6)),
    "DepthwiseConv1D VALID, zero point -128": ((20, 3), lambda L: L.DepthwiseConv1D(
        3, dilation_rate=3, padding="valid"), (0, 6)),
}


@pytest.mark.parametrize("name", CASES)
def test_dilated_convolution_is_fused_and_bit_exact(name, tmp_path):
    shape, layer, (low, high) = CASES[name]
    raw = to_int8(keras_model(shape, layer), low=low, high=high)
    assert "SPACE_TO_BATCH_ND" in [op.kind for op in read_graph(raw).ops]
    model, note = fix_dynamic_batch(raw)
    assert note is not None
    graph = pipeline.canonical(read_graph(model))
    kinds = [op.kind for op in graph.ops]
    assert not {"SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND"} & set(kinds), kinds
    # tflite-micro pads with int8 0: only a SAME padding around a non-zero zero point needs PADV2
    assert ("PADV2" in kinds) == ("SAME" in name and low == 0), kinds
    conv = next(op for op in graph.ops if op.kind in ("CONV_2D", "DEPTHWISE_CONV_2D"))
    assert max(conv.options["dilation_h_factor"], conv.options["dilation_w_factor"]) > 1
    assert_exact(model, random_samples(model, 16, 2), tmp_path)


def test_static_batch_models_have_nothing_to_fuse():
    model, _ = seeded_model(lambda k, x: k.layers.Conv2D(3, 3, dilation_rate=2)(x), (9, 9, 2), seed=0)
    tflite = to_int8(model)
    graph = read_graph(tflite)
    assert fix_dynamic_batch(tflite) == (tflite, None)
    assert pipeline.canonical(graph) is graph


def test_what_does_not_fuse_stays_and_is_refused():
    """A strided convolution between the two is no dilated convolution: left alone, and the
    SPACE_TO_BATCH_ND is refused as any op without a kernel."""
    from mcugen.canonicalise.dilated import fuse_dilated
    from mcugen.ir import Quant
    from mcugen.ops import unsupported_reason

    from .graphs import Q, Builder

    b = Builder()
    x, s, c, y = b.act((1, 8, 8, 2)), b.act((4, 5, 5, 2)), b.act((4, 2, 2, 3)), b.act((1, 4, 4, 3))
    w = b.const([[[[1] * 2] * 3] * 3] * 3, "INT8", Quant((0.01,), (0,)))
    bias = b.const([0, 0, 0], "INT32", Quant((0.0005,), (0,)))
    b.op("SPACE_TO_BATCH_ND", [x, b.const([2, 2]), b.const([[1, 1], [1, 1]])], [s])
    b.op("CONV_2D", [s, w, bias], [c], padding="VALID", stride_h=2, stride_w=2, dilation_h_factor=1,
         dilation_w_factor=1, fused_activation_function="NONE")
    b.op("BATCH_TO_SPACE_ND", [c, b.const([2, 2]), b.const([[0, 0], [0, 0]])], [y])
    graph = b.graph([x], [y])
    assert fuse_dilated(graph) is graph and Q == graph.tensor(x).quant
    assert unsupported_reason(graph, graph.ops[0]) is not None
