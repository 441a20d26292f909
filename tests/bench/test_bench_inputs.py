"""--inputs files: .npy (float data quantized with the input's scale/zero point), raw .bin,
and clear errors for data that does not fit the model's input."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.bench.inputs import load_samples
from mcugen.bench.session import make_samples
from mcugen.errors import CalibrationError


@pytest.fixture(scope="module")
def kws(models_dir):
    from mcugen.convert.tflite_reader import read_graph

    return read_graph((models_dir / "kws" / "kws_ref_model.tflite").read_bytes(), name="kws")


def test_real_int8_sample_bin(kws, models_dir):
    path = models_dir / "kws" / "samples" / "kws_input_data_int8_1x49x10x1.bin"
    (sample,) = load_samples(path, kws)
    assert sample.shape == (1, 49, 10, 1) and sample.dtype == np.int8
    assert sample.tobytes() == path.read_bytes()


def test_float_npy_is_quantized(kws, tmp_path):
    q = kws.tensor(kws.inputs[0]).quant
    real = (np.arange(2 * 490).reshape(2, 49, 10, 1) % 200 - 100) * q.scale / 2
    np.save(tmp_path / "x.npy", real.astype(np.float32))
    samples = load_samples(tmp_path / "x.npy", kws)
    expected = np.clip(np.round(real / q.scale) + q.zero_point, -128, 127).astype(np.int8)
    assert len(samples) == 2 and np.array_equal(samples[1], expected[1].reshape(1, 49, 10, 1))


def test_samples_are_cycled_to_n(kws, models_dir):
    data = load_samples(models_dir / "kws" / "samples" / "kws_input_data_int8_1x49x10x1.bin", kws)
    samples = make_samples(kws, 3, data=data)
    assert len(samples) == 3 and all(np.array_equal(s[0], data[0]) for s in samples)


def test_wrong_size_is_explained(kws, tmp_path):
    (tmp_path / "x.bin").write_bytes(bytes(491))
    with pytest.raises(CalibrationError, match="not a multiple of the input's 490"):
        load_samples(tmp_path / "x.bin", kws)


def test_out_of_range_integers_are_refused(kws, tmp_path):
    np.save(tmp_path / "x.npy", np.full((1, 49, 10, 1), 300, dtype=np.int32))
    with pytest.raises(CalibrationError, match="do not fit int8"):
        load_samples(tmp_path / "x.npy", kws)
