"""RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR: every option pair TFLite allows, up- and
down-scaling, odd sizes, through TensorFlow's converter, bit for bit against tflite-micro (host,
ASan + UBSan, both arena plans); a decoder-style model also runs under QEMU."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.oracle import assert_exact, examples, op_kinds, random_samples, tf, to_int8

OPTIONS = {  # name -> (align_corners, half_pixel_centers)
    "plain": (False, False), "half_pixel": (False, True), "align_corners": (True, False)}


def resize_model(in_hw, out_hw, channels: int, method: str, align: bool, half: bool):
    t = tf()
    k = t.keras
    fn = (t.compat.v1.image.resize_bilinear if method == "bilinear"
          else t.compat.v1.image.resize_nearest_neighbor)
    x = k.Input((*in_hw, channels), batch_size=1)
    y = k.layers.Lambda(lambda v: fn(v, out_hw, align_corners=align, half_pixel_centers=half))(x)
    return k.Model(x, y)


KIND = {"bilinear": "RESIZE_BILINEAR", "nearest": "RESIZE_NEAREST_NEIGHBOR"}


@pytest.mark.parametrize("method", ["nearest", "bilinear"])
@pytest.mark.parametrize("option", list(OPTIONS))
@pytest.mark.parametrize("in_hw,out_hw", [((4, 5), (9, 7)), ((7, 9), (3, 4)), ((1, 3), (5, 1))],
                         ids=["up", "down", "one-pixel"])
def test_resize_bit_exact(method, option, in_hw, out_hw, tmp_path):
    model = to_int8(resize_model(in_hw, out_hw, 3, method, *OPTIONS[option]))
    assert KIND[method] in op_kinds(model)
    samples = random_samples(model, 6, seed=3)
    samples.append([np.full_like(samples[0][0], -128)])  # the weights' extremes at the range ends
    samples.append([np.where(np.indices(samples[0][0].shape).sum(0) % 2, 127, -128).astype(np.int8)])
    assert_exact(model, samples, tmp_path)


def test_keras_resizing_layers(tmp_path):
    """Keras 3's own Resizing layers (half-pixel centres), both interpolations in one model."""
    k = tf().keras
    x = k.Input((6, 5, 4), batch_size=1)
    y = k.layers.Concatenate()([k.layers.Resizing(11, 8, interpolation="bilinear")(x),
                                k.layers.Resizing(11, 8, interpolation="nearest")(x)])
    model = to_int8(k.Model(x, y))
    assert {"RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR"} <= set(op_kinds(model))
    assert_exact(model, random_samples(model, 8, seed=5), tmp_path)


@examples(6)
@given(in_h=st.integers(1, 9), in_w=st.integers(1, 9), out_h=st.integers(1, 17), out_w=st.integers(1, 17),
       channels=st.integers(1, 5), method=st.sampled_from(["nearest", "bilinear"]),
       option=st.sampled_from(list(OPTIONS)))
def test_resize_random_geometry(tmp_path_factory, in_h, in_w, out_h, out_w, channels, method, option):
    model = to_int8(resize_model((in_h, in_w), (out_h, out_w), channels, method, *OPTIONS[option]))
    assert_exact(model, random_samples(model, 4, seed=11), tmp_path_factory.mktemp("resize"),
                 may_refuse=True)


@pytest.mark.slow
def test_decoder_with_resizing_runs_bit_exact_under_qemu(tmp_path):
    """Segmentation-style encoder/decoder: strided conv down, nearest and bilinear Resizing up,
    skip connection by Concatenate, built for mps2_an386 and self-tested under QEMU."""
    from mcugen.project.api import build

    k = tf().keras
    L = k.layers
    x = k.Input((16, 16, 3), batch_size=1)
    skip = L.Conv2D(8, 3, padding="same", activation="relu")(x)
    down = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(skip)
    up = L.Concatenate()([L.Resizing(16, 16, interpolation="bilinear")(down),
                          L.Resizing(16, 16, interpolation="nearest")(down), skip])
    model = to_int8(k.Model(x, L.Conv2D(2, 1)(up)))
    assert {"RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR", "CONCATENATION"} <= set(op_kinds(model))
    path = tmp_path / "decoder.tflite"
    path.write_bytes(model)
    result = build(path, "mps2_an386", tmp_path / "fw", run=True, selftest_only=True)
    assert result.run.passed, result.run.console[-2000:]
