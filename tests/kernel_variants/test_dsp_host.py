"""The DSP kernel variant on the host (its plain-C intrinsics, ASan + UBSan, both arena plans)
bit-exact with tflite-micro: every shared model and randomized layers that reach every path
(odd channels and widths, padding, strides, dilation, non-lean output stages, ADD with differing
input scales and a fused activation and with equal ones, average pooling with clipped windows)."""
from __future__ import annotations

import pytest

from tests.support.oracle import assert_exact, random_samples, seeded_model, to_int8
from tests.support.variants import SHARED_MODEL_NAMES, shared_model_kernels

SHARED = {
    "kws": ("kws/kws_ref_model.tflite", {"conv_2d_im2col_dsp", "conv_2d_1x1_dsp", "depthwise_conv_2d_3x3_dsp",
                                         "fully_connected_quad_dsp", "average_pool_2d_dsp"}),
    "ad": ("ad/ad01_int8.tflite", {"fully_connected_quad_dsp"}),
    "hello_world": ("hello_world/hello_world_int8.tflite", {"fully_connected_quad_dsp"}),
    "vww": ("vww/vww_96_int8.tflite", {"conv_2d_rgb_dsp", "conv_2d_1x1_dsp", "depthwise_conv_2d_3x3_dsp",
                                       "fully_connected_dsp"}),  # its one dense layer, 2 classes: the pair kernel
    "ic": ("ic/pretrainedResnet_quant.tflite", {"conv_2d_rgb_dsp", "conv_2d_im2col_dsp", "conv_2d_1x1_dsp",
                                                "fully_connected_quad_dsp", "add_lean_dsp"}),
}


@pytest.mark.parametrize("name", SHARED_MODEL_NAMES)
def test_shared_model_bit_exact(name, shared_models, tmp_path):
    path, expected_kernels = SHARED[name]
    assert expected_kernels <= shared_model_kernels(shared_models, path, "dsp", tmp_path)


def _convs(k, x):
    """Odd channel counts, odd widths, SAME and VALID, strides, a dilation, 1x1 and wide filters."""
    x = k.layers.Conv2D(5, (3, 3), padding="same", activation="relu")(x)           # in_c 3 -> 5
    x = k.layers.Conv2D(7, (5, 1), strides=(2, 1), padding="valid")(x)             # odd out_c
    x = k.layers.Conv2D(8, (3, 3), dilation_rate=2, padding="same", activation="relu6")(x)
    x = k.layers.Conv2D(12, (1, 1))(x)                                             # 1x1, in_c 8
    x = k.layers.Add()([x, x])                                  # equal scales: the general ADD
    y = k.layers.Conv2D(4, (2, 2), strides=2, padding="same")(x)
    z = k.layers.Conv2D(4, (1, 1), strides=2, padding="same")(x)
    return k.layers.ReLU()(k.layers.Add()([y, z]))                # ADD, fused RELU: the lean ADD


def _depthwise(k, x):
    x = k.layers.Conv2D(8, (1, 1), activation="relu")(x)
    x = k.layers.DepthwiseConv2D((3, 3), padding="same")(x)                         # the 3x3 kernel
    x = k.layers.DepthwiseConv2D((6, 5), padding="same")(x)                         # 30 taps: not the rows kernel
    x = k.layers.AveragePooling2D((2, 3), strides=1, padding="same")(x)            # clipped windows
    x = k.layers.DepthwiseConv2D((3, 3), strides=2, padding="same", activation="relu6")(x)
    x = k.layers.DepthwiseConv2D((2, 2), padding="valid", dilation_rate=2)(x)       # 4 taps
    x = k.layers.DepthwiseConv2D((5, 5), padding="same", activation="relu")(x)     # 25 taps
    return x


def _dense(k, x):
    x = k.layers.Conv2D(5, (1, 1))(x)
    x = k.layers.Flatten()(x)                                                      # 1 * 3 * 5 = 15: ragged
    x = k.layers.Dense(13, activation="relu")(x)
    x = k.layers.Dense(9)(x)
    return k.layers.Dense(6, activation="relu6")(x)


def _all(k, x):
    return _dense(k, _depthwise(k, _convs(k, x)))


def random_chain(seed: int) -> bytes:
    """`_all` with weights from `seed`, as an int8 .tflite calibrated on inputs in [-2, 2]."""
    model, rng = seeded_model(_all, (23, 19, 3), seed)
    return to_int8(model, rng=rng, low=-2, high=2)


@pytest.mark.parametrize("seed", [0, pytest.param(1, marks=pytest.mark.slow)])
def test_random_layers_bit_exact(seed, tmp_path):
    model = random_chain(seed)
    kernels = assert_exact(model, random_samples(model, 6, seed=seed), tmp_path, variant="dsp")
    assert {"conv_2d_rgb_dsp", "conv_2d_im2col_dsp", "conv_2d_1x1_dsp", "depthwise_conv_2d_dsp",
            "depthwise_conv_2d_rows_dsp", "depthwise_conv_2d_3x3_dsp", "fully_connected_quad_dsp", "add_dsp",
            "add_lean_dsp", "average_pool_2d_dsp"} <= kernels
    if seed:  # the rv32 selection of the same kernels (their C path is what ran above)
        rv32 = assert_exact(model, random_samples(model, 2, seed=seed), tmp_path / "rv32", plans=(True,),
                            variant="rv32")
        assert "average_pool_2d" in rv32 and "depthwise_conv_2d_dsp" in rv32


def test_exact_output_stage_bit_exact(shared_models, tmp_path, monkeypatch):
    """Real models nearly always qualify for the lean output stage; force the general one (any
    shift, any activation range) to check it too."""
    import mcugen.ops.variants as variants
    import mcugen.ops.variants_mm as variants_mm

    monkeypatch.setattr(variants, "lean_requant", lambda call, bound: False)
    monkeypatch.setattr(variants, "depthwise_conv_2d_rows", lambda *args: None)  # lean only
    monkeypatch.setattr(variants_mm, "lean_stage", lambda *args: None)  # the general DSP kernels
    monkeypatch.setattr(variants, "depthwise_conv_2d_3x3", lambda *args: None)
    model = (shared_models / SHARED["kws"][0]).read_bytes()
    assert_exact(model, random_samples(model, 2, seed=3), tmp_path, plans=(True,), variant="dsp")
