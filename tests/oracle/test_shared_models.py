"""Generated C (host gcc, ASan + UBSan) equals tflite-micro bit for bit on the shared models.

200 random inputs plus the real samples per model, with the in-place and the no-in-place arena
plan; one compiled binary per (model, plan) runs all samples.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mcugen.convert.tflite_reader import read_graph
from mcugen.hostrun import compare_with_tflm

MODELS = Path(__file__).resolve().parents[2] / "../shared/models"
N_RANDOM = 200


def _quantize(x: np.ndarray, scale: float, zp: int) -> np.ndarray:
    return np.clip(np.round(x / scale) + zp, -128, 127).astype(np.int8)


def real_samples(name: str, graph) -> list[np.ndarray]:
    """The real inputs shipped in ../shared/models/<model>/samples, shaped for the model."""
    t = graph.tensor(graph.inputs[0])
    if name == "kws":
        raw = (MODELS / "kws/samples/kws_input_data_int8_1x49x10x1.bin").read_bytes()
        return [np.frombuffer(raw, np.int8).reshape(t.shape)]
    if name == "ad":
        frames = np.fromfile(MODELS / "ad/samples/normal_id_01_00000000_hist_librosa.bin", np.float32)
        frames = frames.reshape(200, 128)
        return [_quantize(frames[i:i + 5].reshape(t.shape), t.quant.scale, t.quant.zero_point)
                for i in range(0, 196, 4)]
    if name == "vww":
        gray = np.fromfile(MODELS / "vww/samples/vww_input_legacy_96x96x1_float32.bin", np.float32)
        rgb = np.repeat(((gray + 1) / 2).reshape(96, 96, 1), 3, axis=2).reshape(t.shape)
        return [_quantize(rgb, t.quant.scale, t.quant.zero_point)]
    return []


CASES = [
    ("hello_world", "hello_world/hello_world_int8.tflite"),
    ("ad", "ad/ad01_int8.tflite"),
    pytest.param("kws", "kws/kws_ref_model.tflite", marks=pytest.mark.slow),
    pytest.param("ic", "ic/pretrainedResnet_quant.tflite", marks=pytest.mark.slow),
    pytest.param("vww", "vww/vww_96_int8.tflite", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("inplace", [True, False], ids=["inplace", "separate"])
@pytest.mark.parametrize("name,path", CASES)
def test_bit_exact_with_tflite_micro(name, path, inplace, tmp_path):
    model = (MODELS / path).read_bytes()
    graph = read_graph(model)
    rng = np.random.default_rng(1234)
    samples = [[rng.integers(-128, 128, graph.tensor(t).shape, dtype=np.int8) for t in graph.inputs]
               for _ in range(N_RANDOM)]
    samples += [[x] for x in real_samples(name, graph)]
    result = compare_with_tflm(model, samples, tmp_path, inplace=inplace)
    assert result.samples == len(samples) >= N_RANDOM
    assert result.exact, f"{len(result.mismatches)} mismatching outputs, first: {result.mismatches[:5]}"
