"""The m0 kernel variant (Cortex-M0/M0+) on the host through its plain-C loops, ASan + UBSan, both
arena plans, bit-exact with tflite-micro: the shared models, and randomized layers reaching every
path (odd output channels, pixel pairs across rows and a pixel left alone, padding, strides,
dilation, 1x1 and wide windows, depthwise windows up to 7x7, dense layers of one and of several
rows, the general output stage). Its Thumb-1 loops run on the emulated M0 (test_m0_qemu.py)."""
from __future__ import annotations

import pytest

from tests.support.oracle import assert_exact, random_samples, seeded_model, to_int8
from tests.support.variants import SHARED_MODEL_NAMES, shared_model_kernels

SHARED = {
    "kws": ("kws/kws_ref_model.tflite", {"conv_2d_m0", "depthwise_conv_2d_m0"}),
    "ad": ("ad/ad01_int8.tflite", {"conv_2d_m0"}),  # FULLY_CONNECTED as a 1x1 convolution
    "hello_world": ("hello_world/hello_world_int8.tflite", {"conv_2d_m0"}),
    "vww": ("vww/vww_96_int8.tflite", {"conv_2d_m0", "depthwise_conv_2d_m0"}),
    "ic": ("ic/pretrainedResnet_quant.tflite", {"conv_2d_m0"}),
}


@pytest.mark.parametrize("name", SHARED_MODEL_NAMES)
def test_shared_model_bit_exact(name, shared_models, tmp_path):
    path, expected_kernels = SHARED[name]
    assert expected_kernels <= shared_model_kernels(shared_models, path, "m0", tmp_path)


def _layers(k, x):
    x = k.layers.Conv2D(5, (3, 3), padding="same", activation="relu")(x)           # odd out_c, in_c 3
    x = k.layers.Conv2D(8, (5, 1), strides=(2, 1), padding="valid")(x)             # out_w 7: lone pixels
    x = k.layers.Conv2D(8, (3, 3), dilation_rate=2, padding="same", activation="relu6")(x)
    x = k.layers.DepthwiseConv2D((3, 3), padding="same")(x)                         # 9 taps
    x = k.layers.DepthwiseConv2D((3, 3), strides=2, padding="same", activation="relu6")(x)
    x = k.layers.DepthwiseConv2D((2, 2), padding="valid", dilation_rate=2)(x)       # 4 taps: padded to 6
    x = k.layers.DepthwiseConv2D((5, 5), padding="same", activation="relu")(x)     # 25 taps
    x = k.layers.DepthwiseConv2D((7, 7), padding="same")(x)                         # 49: the most taps
    x = k.layers.Conv2D(6, (1, 1))(x)                                              # 1x1
    y = k.layers.Reshape((-1, 6))(x)
    y = k.layers.Dense(7, activation="relu")(y)                                    # several rows: pairs
    y = k.layers.Flatten()(y)
    return k.layers.Dense(5)(y)                                                    # one row: 2x1 loop


def random_chain(seed: int) -> bytes:
    model, rng = seeded_model(_layers, (23, 9, 3), seed)
    return to_int8(model, rng=rng, low=-2, high=2)


@pytest.mark.parametrize("seed", [0, pytest.param(1, marks=pytest.mark.slow)])
def test_random_layers_bit_exact(seed, tmp_path):
    model = random_chain(seed)
    kernels = assert_exact(model, random_samples(model, 6, seed=seed), tmp_path, variant="m0")
    assert {"conv_2d_m0", "depthwise_conv_2d_m0"} <= kernels


def test_odd_depthwise_channels_keep_the_portable_kernel(tmp_path):
    model, rng = seeded_model(lambda k, x: k.layers.DepthwiseConv2D((3, 3), padding="same")(x), (6, 5, 5), 2)
    tflite = to_int8(model, rng=rng)
    kernels = assert_exact(tflite, random_samples(tflite, 3, seed=2), tmp_path, variant="m0")
    assert "depthwise_conv_2d" in kernels and "depthwise_conv_2d_m0" not in kernels


def test_general_output_stage_bit_exact(shared_models, tmp_path, monkeypatch):
    """Real layers nearly always take the lean output stage (right shifts only); force the
    general one (TFLM's shift, either sign) to check it too."""
    import mcugen.ops.variants_m0 as variants_m0

    monkeypatch.setattr(variants_m0, "lean_shifts", lambda shifts: False)
    model = (shared_models / SHARED["kws"][0]).read_bytes()
    assert_exact(model, random_samples(model, 2, seed=3), tmp_path, plans=(True,), variant="m0")


@pytest.fixture(scope="module")
def m0_helpers(tmp_path_factory):
    import ctypes
    import subprocess

    from mcugen.codegen import firmware_dir

    tmp = tmp_path_factory.mktemp("m0")
    src = tmp / "m0.c"
    src.write_text('#include "mg_m0.h"\n'
                   "int32_t requantize(int32_t x, int32_t m, int32_t s) { return mg_m0_requantize(x, m, s); }\n"
                   "int32_t requantize_rs(int32_t x, int32_t m, int32_t rs, int32_t half)\n"
                   "{ return mg_m0_requantize_rs(x, m, rs, half); }\n")
    lib = tmp / "libm0.so"
    subprocess.run(["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC",
                    "-fsanitize=undefined", "-fno-sanitize-recover=all",
                    f"-I{firmware_dir() / 'include'}", str(src), "-o", str(lib)], check=True)
    dll = ctypes.CDLL(str(lib))
    dll.requantize.restype = dll.requantize_rs.restype = ctypes.c_int32
    dll.requantize.argtypes = [ctypes.c_int32] * 3
    dll.requantize_rs.argtypes = [ctypes.c_int32] * 4
    return dll


def test_m0_requantize_is_tflms_for_every_shift(m0_helpers):
    """Without a 64-bit product, over random accumulators and multipliers and every shift TFLM
    makes (left shifts wrap in int32 as TFLM's do), within the bound the generator proves."""
    import numpy as np

    from mcugen.ops import fixedpoint

    rng = np.random.default_rng(5)
    for shift in range(-31, 31):
        half = (1 << (-shift - 1)) if shift < 0 else 0
        bound = (1 << 31) - half - 1
        for _ in range(300):
            x = int(rng.integers(-bound, bound + 1) >> int(rng.integers(0, 31)))
            m = int(rng.choice([0, 1 << 30, (1 << 31) - 1, int(rng.integers(1 << 30, 1 << 31))]))
            if shift > 0:
                x >>= shift  # TFLM's x * 2^shift must fit int32
            want = fixedpoint.multiply_by_quantized_multiplier(x, m, shift)
            assert m0_helpers.requantize(x, m, shift) == want, (x, m, shift)
            if shift < 0:
                assert m0_helpers.requantize_rs(x, m, -shift, half) == want, (x, m, shift)
