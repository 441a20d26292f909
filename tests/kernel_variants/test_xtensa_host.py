"""The xtensa kernel variant on the host (its plain-C paths, ASan + UBSan, both arena plans)
bit-exact with tflite-micro: shared models and randomized layers reaching every path (channel
counts not a multiple of 4, padding, strides, dilation, wide windows, per-tensor dense
quantization); its layouts element by element; and the calls it leaves to the portable kernels."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mcugen.ops import lower_graph
from mcugen.ops.variants import specialise
from mcugen.ops.variants_xtensa import conv_2d_xtensa, quad_interleave
from mcugen.convert.tflite_reader import read_graph
from tests.support.oracle import assert_exact, random_samples, seeded_model, to_int8
from tests.support.variants import SHARED_MODEL_NAMES, shared_model_kernels

from .test_dsp_host import random_chain

XTENSA_KERNELS = {"conv_2d_xtensa", "depthwise_conv_2d_xtensa", "fully_connected_xtensa", "add_xtensa"}
SHARED = {
    "kws": ("kws/kws_ref_model.tflite", XTENSA_KERNELS - {"add_xtensa"}),
    "ad": ("ad/ad01_int8.tflite", {"fully_connected_xtensa"}),
    "hello_world": ("hello_world/hello_world_int8.tflite", {"fully_connected_xtensa"}),
    "vww": ("vww/vww_96_int8.tflite", XTENSA_KERNELS - {"add_xtensa"}),
    "ic": ("ic/pretrainedResnet_quant.tflite", {"conv_2d_xtensa", "fully_connected_xtensa", "add_xtensa"}),
}


@pytest.mark.parametrize("name", SHARED_MODEL_NAMES)
def test_shared_model_bit_exact(name, shared_models, tmp_path):
    path, expected = SHARED[name]
    assert expected <= shared_model_kernels(shared_models, path, "xtensa", tmp_path, seed=2)


def _odd_channels(k, x):
    """Channel counts that are not multiples of 4 through every xtensa kernel, and a SUB."""
    x = k.layers.Conv2D(6, (3, 3), padding="same", activation="relu")(x)            # in_c 3, out_c 6
    y = k.layers.Conv2D(6, (1, 1))(x)
    x = k.layers.Subtract()([x, y])                                                  # SUB: a negated table
    x = k.layers.DepthwiseConv2D((3, 3), padding="same")(x)                         # 6 channels: bytes
    x = k.layers.DepthwiseConv2D((5, 5), strides=2, padding="same", activation="relu6")(x)
    x = k.layers.Conv2D(7, (2, 3), dilation_rate=(2, 1), padding="same")(x)         # dilated rows
    x = k.layers.DepthwiseConv2D((3, 3), dilation_rate=2, padding="same")(x)        # 7 channels
    x = k.layers.Flatten()(x)
    return k.layers.Dense(5)(x)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [0, 1])
def test_random_layers_bit_exact(seed, tmp_path):
    model = random_chain(seed)
    kernels = assert_exact(model, random_samples(model, 6, seed=seed), tmp_path, variant="xtensa")
    assert XTENSA_KERNELS <= kernels


def test_odd_channel_counts_bit_exact(tmp_path):
    model, rng = seeded_model(_odd_channels, (13, 11, 3), 5)
    tflite = to_int8(model, rng=rng, low=-3, high=3)
    kernels = assert_exact(tflite, random_samples(tflite, 6, seed=5), tmp_path, variant="xtensa")
    assert XTENSA_KERNELS <= kernels


@pytest.mark.parametrize("channels,taps", [(4, 1), (5, 27), (1, 3), (64, 40)])
def test_quad_interleave_matches_the_kernel_walk(channels, taps):
    rows = np.random.default_rng(channels + taps).integers(-128, 128, (channels, taps), dtype=np.int8)
    flat = quad_interleave(rows)
    assert flat.dtype == np.uint8 and flat.size == -(-channels // 4) * 4 * taps
    pos = 0
    for block in range(-(-channels // 4)):  # mg_xt_channels: per block of 4, per tap, 4 channels
        for k in range(taps):
            for j in range(4):
                c = 4 * block + j
                assert int(flat[pos]) == (int(rows[c, k]) if c < channels else 0) + 128
                pos += 1


def _kws_conv(shared_models):
    graph = read_graph((shared_models / "kws/kws_ref_model.tflite").read_bytes())
    call = next(c for c in lower_graph(graph) if c.kernel == "conv_2d")
    return graph, call


def test_bias_folds_the_weight_offset(shared_models):
    graph, call = _kws_conv(shared_models)
    fast = conv_2d_xtensa(graph, call)
    p = dict(call.params)
    filt = graph.tensor(p["filter"].tensor_id).array().reshape(p["out_c"], -1).astype(np.int64)
    folded = next(a.values for a in call.consts if a.name == "bias_folded")
    bias = next(a.values for a in fast.consts if a.name == "bias")
    assert list(bias[:p["out_c"]]) == [b - 128 * int(s) for b, s in zip(folded, filt.sum(axis=1))]
    assert dict(fast.params)["pad_value"] == -p["input_offset"] + 128  # the zero point, unsigned


def test_left_shifts_and_negative_multipliers_stay_portable(shared_models):
    graph, call = _kws_conv(shared_models)

    def edited(name, change):
        consts = tuple(replace(a, values=tuple(change(v) for v in a.values)) if a.name == name else a
                       for a in call.consts)
        return replace(call, consts=consts)

    assert specialise(graph, [call], "xtensa")[0].kernel == "conv_2d_xtensa"
    for odd in (edited("shift", lambda s: 1), edited("multiplier", lambda m: -m)):  # a scale above 1; m < 0
        assert conv_2d_xtensa(graph, odd) is None
        assert specialise(graph, [odd], "xtensa")[0] == odd  # the portable kernel runs it
