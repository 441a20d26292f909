"""Converting the MLPerf Tiny float models gives int8 models with int8 I/O and the same operators
as the official int8 models of the same benchmarks. Each conversion runs once (module fixtures)."""
from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from mcugen.convert import convert_model
from mcugen.convert.tflite_reader import read_graph

pytestmark = pytest.mark.slow

OFFICIAL = {
    "ic": ("ic/pretrainedResnet.h5", "ic/pretrainedResnet_quant.tflite"),
    "vww": ("vww/vww_96.h5", "vww/vww_96_int8.tflite"),
    "ad": ("ad/ad01.h5", "ad/ad01_int8.tflite"),
    "kws": ("kws/kws_ref_model", "kws/kws_ref_model.tflite"),
}


def _calibration(name: str, models, rng) -> np.ndarray:
    """A few samples in each model's real input range, from the real samples where there are some."""
    if name == "ad":
        frames = np.fromfile(models / "ad/samples/normal_id_01_00000000_hist_librosa.bin", "<f4").reshape(200, 128)
        return np.stack([frames[i:i + 5].reshape(-1) for i in range(0, 196, 8)])
    if name == "kws":
        q = np.fromfile(models / "kws/samples/kws_input_data_int8_1x49x10x1.bin", np.int8).reshape(49, 10, 1)
        mfcc = (q.astype(np.float32) - 83) * 0.5847029
        return np.stack([mfcc + rng.normal(0, 2.0, mfcc.shape) for _ in range(10)]).astype(np.float32)
    if name == "vww":
        gray = np.fromfile(models / "vww/samples/vww_input_legacy_96x96x1_float32.bin", "<f4").reshape(96, 96, 1)
        rgb = np.repeat((gray + 1) / 2, 3, axis=2)
        return np.clip(np.stack([rgb + rng.normal(0, 0.05, rgb.shape) for _ in range(10)]), 0, 1).astype(np.float32)
    return rng.integers(0, 256, size=(16, 32, 32, 3)).astype(np.float32)  # ic: raw pixel values


@pytest.fixture(scope="module", params=sorted(OFFICIAL))
def converted(request, shared_models, session_tmp):
    name = request.param
    source, official = OFFICIAL[name]
    data = session_tmp(f"calib-{name}") / "calibration.npy"
    np.save(data, _calibration(name, shared_models, np.random.default_rng(0)))
    result = convert_model(shared_models / source, data)
    return name, result, read_graph((shared_models / official).read_bytes())


def test_int8_io_and_same_operators_as_official(converted):
    name, result, official = converted
    graph = result.graph
    for tid in graph.inputs + graph.outputs:
        assert graph.tensors[tid].dtype == "INT8", (name, graph.tensors[tid])
    assert Counter(op.kind for op in graph.ops) == Counter(op.kind for op in official.ops)
    assert [graph.tensors[t].shape for t in graph.inputs] == [official.tensors[t].shape for t in official.inputs]
    assert [graph.tensors[t].shape for t in graph.outputs] == [official.tensors[t].shape for t in official.outputs]
    assert result.source_kind == ("savedmodel" if name == "kws" else "keras2")
    assert read_graph(result.tflite).sha256 == graph.sha256


def test_quantization_report_is_sensible(converted):
    name, result, _ = converted
    report = result.report
    assert report is not None and report.data == "calibration" and not result.synthetic_calibration
    (out,) = report.outputs
    if name == "ad":  # an autoencoder: values, judged by SNR on real spectrogram frames
        assert not out.classifier and out.top1_agreement is None
        assert out.snr_db > 20
    else:
        assert out.classifier and out.top1_agreement is not None
        assert out.top1_agreement >= 0.8, out
