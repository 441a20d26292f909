"""The DSP pooling kernels (max_pool_2d_dsp: SSUB8/SEL; average_pool_2d_dsp: SXTAB16 sums) on the
host, bit-exact with tflite-micro under ASan/UBSan and both arena plans: random stacks of pools
with windows from 1x1 to 4x3, strides 1-3, SAME and VALID (clipped windows), channel counts that
fit (4, 8, 12, 16) and that do not (6: the portable kernels), and a ReLU the converter fuses into
the max pool (a clamp that is not all of int8). Plus the same kernels under QEMU with the real
instructions."""
from __future__ import annotations

import numpy as np
import pytest

from tests.support.oracle import assert_exact, random_samples, seeded_model, to_int8


def random_pools(seed: int, channels: int) -> bytes:
    draw = np.random.default_rng(seed)
    plan = [(int(draw.integers(1, 5)), int(draw.integers(1, 4)), int(draw.integers(1, 4)),
             ["same", "valid"][draw.integers(2)], bool(draw.integers(2))) for _ in range(4)]

    def build(k, x):
        x = k.layers.Conv2D(channels, (1, 1))(x)
        for i, (fh, fw, stride, padding, relu) in enumerate(plan):
            _, h, w, _ = x.shape
            if fh > h or fw > w:
                continue
            pool = k.layers.MaxPooling2D if i % 2 == 0 else k.layers.AveragePooling2D
            x = pool((fh, fw), strides=stride, padding=padding)(x)
            if relu:
                x = k.layers.ReLU()(x)
        return k.layers.Conv2D(channels, (1, 1))(x)  # a fresh scale after the pools

    model, rng = seeded_model(build, (int(draw.integers(7, 15)), int(draw.integers(6, 13)), 3), seed)
    return to_int8(model, rng=rng, low=-2, high=2)


@pytest.mark.parametrize("seed,channels", [(0, 8), (1, 4), (2, 12), pytest.param(3, 16, marks=pytest.mark.slow),
                                           (4, 6)])
def test_random_pools_bit_exact(seed, channels, tmp_path):
    model = random_pools(seed, channels)
    kernels = assert_exact(model, random_samples(model, 4, seed=seed), tmp_path, variant="dsp")
    if channels % 4 == 0:
        assert "max_pool_2d_dsp" in kernels
    else:
        assert "max_pool_2d" in kernels and "max_pool_2d_dsp" not in kernels


@pytest.mark.slow
def test_pools_bit_exact_under_qemu(tmp_path):
    from mcugen.project.api import build

    model = tmp_path / "pools.tflite"
    model.write_bytes(random_pools(5, 8))
    result = build(model, "mps2_an386", tmp_path / "fw", run=True)
    assert result.run is not None and result.run.passed, result.run and result.run.console
    assert "max_pool_2d_dsp_s8.c" in {p.name for p in (tmp_path / "fw" / "src").iterdir()}
