"""TRANSPOSE_CONV: Keras Conv2DTranspose (strides 1-3, SAME/VALID, with and without bias, odd
kernels, several channels) through TensorFlow's converter, bit for bit against tflite-micro on
the host (ASan + UBSan, both arena plans); an encoder/decoder with Conv2DTranspose, Resizing and
Concatenate under QEMU; and Keras' UpSampling2D, whose TILE tflite-micro lacks, refused cleanly."""
from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.oracle import assert_exact, examples, op_kinds, random_samples, tf, to_int8


def deconv(in_shape, filters: int, kernel, strides, padding: str, use_bias: bool):
    k = tf().keras
    x = k.Input(in_shape, batch_size=1)
    return k.Model(x, k.layers.Conv2DTranspose(filters, kernel, strides=strides, padding=padding,
                                               use_bias=use_bias)(x))


@pytest.mark.parametrize("kernel,strides,padding,use_bias", [
    (3, 1, "same", True), (3, 2, "same", True), (3, 2, "valid", False), (2, 2, "valid", True),
    ((3, 5), (2, 3), "same", True), (4, 3, "valid", True), (1, 2, "same", False)])
def test_transpose_conv_bit_exact(kernel, strides, padding, use_bias, tmp_path):
    model = to_int8(deconv((5, 6, 3), 4, kernel, strides, padding, use_bias))
    assert "TRANSPOSE_CONV" in op_kinds(model)
    assert_exact(model, random_samples(model, 8, seed=2), tmp_path)


@examples(6)
@given(h=st.integers(1, 6), w=st.integers(1, 6), c=st.integers(1, 5), filters=st.integers(1, 6),
       kh=st.integers(1, 4), kw=st.integers(1, 4), sh=st.integers(1, 3), sw=st.integers(1, 3),
       padding=st.sampled_from(["same", "valid"]), use_bias=st.booleans())
def test_transpose_conv_random(tmp_path_factory, h, w, c, filters, kh, kw, sh, sw, padding, use_bias):
    model = to_int8(deconv((h, w, c), filters, (kh, kw), (sh, sw), padding, use_bias), per_channel=True)
    assert_exact(model, random_samples(model, 4, seed=9), tmp_path_factory.mktemp("deconv"), may_refuse=True)


@pytest.mark.slow
def test_segmentation_encoder_decoder_runs_bit_exact_under_qemu(tmp_path):
    from mcugen.project.api import build

    k = tf().keras
    L = k.layers
    x = k.Input((16, 16, 3), batch_size=1)
    e1 = L.Conv2D(8, 3, padding="same", activation="relu")(x)
    e2 = L.Conv2D(16, 3, strides=2, padding="same", activation="relu")(e1)
    d1 = L.Conv2DTranspose(8, 3, strides=2, padding="same")(e2)
    up = L.Resizing(16, 16, interpolation="bilinear")(L.MaxPooling2D()(e2))
    near = L.Resizing(16, 16, interpolation="nearest")(e2)
    y = L.Conv2D(3, 1, activation="softmax")(L.Concatenate()([d1, up, near, e1]))
    model = to_int8(k.Model(x, y))
    assert {"TRANSPOSE_CONV", "RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR", "CONCATENATION"} <= set(op_kinds(model))
    path = tmp_path / "segmenter.tflite"
    path.write_bytes(model)
    result = build(path, "mps2_an386", tmp_path / "fw", run=True, selftest_only=True)
    assert result.run.passed, result.run.console[-2000:]


def test_upsampling2d_is_refused_cleanly(tmp_path):
    """Keras 3's UpSampling2D: refused with the op named, before anything is written."""
    import subprocess
    import sys

    k = tf().keras
    x = k.Input((4, 4, 2), batch_size=1)
    model = to_int8(k.Model(x, k.layers.Conv2D(2, 1)(k.layers.UpSampling2D()(x))))
    path = tmp_path / "up.tflite"
    path.write_bytes(model)
    kinds = op_kinds(model)
    proc = subprocess.run([sys.executable, "-m", "mcugen", "generate", str(path), "-o", str(tmp_path / "lib")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    unsupported = [kind for kind in kinds if kind in proc.stderr]
    assert unsupported and "unsupported operator" in proc.stderr, (kinds, proc.stderr)
    assert not (tmp_path / "lib").exists()
