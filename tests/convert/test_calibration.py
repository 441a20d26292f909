"""Calibration/validation data: every accepted layout gives (N, *sample_shape) float32; bad data says why."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.convert.calibration import load_samples, synthetic_samples
from mcugen.errors import CalibrationError

SHAPE = (49, 10, 1)


@pytest.fixture
def batch():
    return np.random.default_rng(7).normal(size=(5, *SHAPE)).astype(np.float32)


def test_npy_with_batch_axis(tmp_path, batch):
    np.save(tmp_path / "x.npy", batch)
    out = load_samples(tmp_path / "x.npy", SHAPE)
    assert out.shape == (5, *SHAPE) and out.dtype == np.float32
    np.testing.assert_array_equal(out, batch)


def test_npy_single_sample_without_batch_axis(tmp_path, batch):
    np.save(tmp_path / "one.npy", batch[0])
    out = load_samples(tmp_path / "one.npy", SHAPE)
    assert out.shape == (1, *SHAPE)
    np.testing.assert_array_equal(out[0], batch[0])


def test_npy_flattened_samples_and_integer_dtype(tmp_path):
    flat = np.arange(3 * 490, dtype=np.uint8).reshape(3, 490)
    np.save(tmp_path / "flat.npy", flat)
    out = load_samples(tmp_path / "flat.npy", SHAPE)
    assert out.shape == (3, *SHAPE) and out.dtype == np.float32
    np.testing.assert_array_equal(out.reshape(3, -1), flat.astype(np.float32))


def test_npy_without_channel_axis(tmp_path, batch):
    np.save(tmp_path / "x.npy", batch[..., 0])  # (5, 49, 10): flattened size matches
    np.testing.assert_array_equal(load_samples(tmp_path / "x.npy", SHAPE), batch)


def test_npz_single_array_and_named_array(tmp_path, batch):
    np.savez(tmp_path / "one.npz", anything=batch)
    np.testing.assert_array_equal(load_samples(tmp_path / "one.npz", SHAPE), batch)
    np.savez(tmp_path / "named.npz", x=batch, y=np.arange(5))
    np.testing.assert_array_equal(load_samples(tmp_path / "named.npz", SHAPE), batch)


def test_npz_ambiguous_arrays_are_refused(tmp_path, batch):
    np.savez(tmp_path / "two.npz", a=batch, b=batch)
    with pytest.raises(CalibrationError, match="which are the inputs"):
        load_samples(tmp_path / "two.npz", SHAPE)


def test_folder_of_npy_files_in_name_order(tmp_path, batch):
    folder = tmp_path / "samples"
    folder.mkdir()
    for i in range(3):
        np.save(folder / f"s{i}.npy", batch[i])  # one sample each, no batch axis
    np.save(folder / "s3.npy", batch[3:5])  # two at once, with batch axis
    out = load_samples(folder, SHAPE)
    np.testing.assert_array_equal(out, batch)


@pytest.mark.parametrize("make, message", [
    (lambda d: d / "missing.npy", "no such file"),
    (lambda d: (d / "empty").mkdir() or d / "empty", "no .npy files"),
    (lambda d: (d / "x.csv").write_text("1,2") and d / "x.csv", "must be .npy"),
    (lambda d: (d / "bad.npy").write_bytes(b"not numpy") and d / "bad.npy", "not a readable .npy"),
])
def test_unreadable_sources(tmp_path, make, message):
    with pytest.raises(CalibrationError, match=message):
        load_samples(make(tmp_path), SHAPE)


def test_wrong_shape_names_both_shapes(tmp_path):
    np.save(tmp_path / "x.npy", np.zeros((4, 32, 32, 3), np.float32))
    with pytest.raises(CalibrationError, match=r"\(4, 32, 32, 3\).*\(49, 10, 1\)"):
        load_samples(tmp_path / "x.npy", SHAPE)


def test_non_finite_values_are_refused(tmp_path, batch):
    batch[2, 3, 4, 0] = np.nan
    np.save(tmp_path / "x.npy", batch)
    with pytest.raises(CalibrationError, match="NaN"):
        load_samples(tmp_path / "x.npy", SHAPE)


def test_synthetic_samples_are_seeded():
    a, b = synthetic_samples(SHAPE, 4, seed=3), synthetic_samples(SHAPE, 4, seed=3)
    assert a.shape == (4, *SHAPE) and a.dtype == np.float32
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, synthetic_samples(SHAPE, 4, seed=4))


def test_empty_array_is_refused(tmp_path):
    np.save(tmp_path / "none.npy", np.zeros((0, *SHAPE), np.float32))
    with pytest.raises(CalibrationError, match="no samples"):
        load_samples(tmp_path / "none.npy", SHAPE)
