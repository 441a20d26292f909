"""Features of the core kernels that the shared models do not exercise, in one TensorFlow-converted
model checked against tflite-micro under both plans: grouped convolution, strided SAME conv with
RELU6, depth multiplier 2 with dilation, MAX_POOL_2D SAME, FULLY_CONNECTED over several rows
(per-tensor weights), SOFTMAX over several rows."""
from __future__ import annotations

import pytest

from mcugen.convert.tflite_reader import read_graph
from tests.support.oracle import assert_exact, random_samples, tf, to_int8


def _convert(per_channel_dense: bool) -> bytes:
    k = tf().keras
    k.utils.set_random_seed(7)
    x = k.Input((11, 9, 4), batch_size=1)
    y = k.layers.Conv2D(8, 3, strides=2, padding="same", groups=2, activation="relu6")(x)
    y = k.layers.DepthwiseConv2D(3, depth_multiplier=2, dilation_rate=2, padding="same")(y)
    y = k.layers.MaxPooling2D(3, strides=2, padding="same")(y)
    y = k.layers.Reshape((-1, 16))(y)
    y = k.layers.Dense(5)(y)
    y = k.layers.Softmax()(y)
    return to_int8(k.Model(x, y), per_channel_dense=per_channel_dense)


@pytest.mark.parametrize("per_channel_dense", [False, True], ids=["dense-per-tensor", "dense-per-channel"])
def test_features_bit_exact(per_channel_dense, tmp_path):
    model = _convert(per_channel_dense)
    graph = read_graph(model)
    ops = {op.kind: op for op in graph.ops}
    assert {"CONV_2D", "DEPTHWISE_CONV_2D", "MAX_POOL_2D", "FULLY_CONNECTED", "SOFTMAX"} <= set(ops)
    conv_w = graph.tensor(ops["CONV_2D"].inputs[1])
    assert conv_w.shape[3] == 2  # grouped: 4 input channels, 2 per group
    assert graph.tensor(ops["DEPTHWISE_CONV_2D"].inputs[1]).shape[3] == 16  # multiplier 2
    fc = ops["FULLY_CONNECTED"]
    assert graph.tensor(fc.inputs[1]).quant.per_channel == per_channel_dense
    assert graph.tensor(fc.outputs[0]).num_elements > 5  # several rows
    assert_exact(model, random_samples(model, 40, seed=3), tmp_path)
