"""Generated C equals tflite-micro bit for bit on every int8 model in ../shared/models (and the
keyword-spotting SVDF model of its breadth folder).

Per model: 200 random inputs plus the real samples in ../shared/models/*/samples, with the
in-place and the no-in-place arena plan. The binary is built with gcc -Werror and ASan + UBSan;
for the two big models (ic, vww: ~10 M MACs each, slow under ASan) the sanitized binary runs
the first 40 samples and an -O2 build without sanitizers runs all of them.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from mcugen.convert.tflite_reader import read_graph
from mcugen.hostrun import build_model, diff_outputs, tflm_outputs
from tests.support.oracle import random_samples

MODELS = Path(__file__).resolve().parents[2] / "../shared/models"
N_RANDOM = 200
SANITIZED_SAMPLES_BIG = 40


def _quantize(x: np.ndarray, scale: float, zp: int) -> np.ndarray:
    return np.clip(np.round(x / scale) + zp, -128, 127).astype(np.int8)


def real_samples(name: str, graph) -> list[np.ndarray]:
    """The real inputs shipped in ../shared/models/<model>/samples, shaped for the model."""
    t = graph.tensor(graph.inputs[0])
    if name == "kws":
        raw = (MODELS / "kws/samples/kws_input_data_int8_1x49x10x1.bin").read_bytes()
        return [np.frombuffer(raw, np.int8).reshape(t.shape)]
    if name == "ad":  # all 196 windows of 5 frames the EEMBC runner slides over the clip
        frames = np.fromfile(MODELS / "ad/samples/normal_id_01_00000000_hist_librosa.bin", np.float32)
        frames = frames.reshape(200, 128)
        return [_quantize(frames[i:i + 5].reshape(t.shape), t.quant.scale, t.quant.zero_point)
                for i in range(196)]
    if name == "vww":  # the legacy grayscale person picture, as RGB in [0, 1]
        gray = np.fromfile(MODELS / "vww/samples/vww_input_legacy_96x96x1_float32.bin", np.float32)
        rgb = np.repeat(((gray + 1) / 2).reshape(96, 96, 1), 3, axis=2).reshape(t.shape)
        return [_quantize(rgb, t.quant.scale, t.quant.zero_point)]
    return []  # ic ships no real sample


MODEL_FILES = {
    "hello_world": "hello_world/hello_world_int8.tflite",
    "ad": "ad/ad01_int8.tflite",
    "kws": "kws/kws_ref_model.tflite",
    "ic": "ic/pretrainedResnet_quant.tflite",
    "vww": "vww/vww_96_int8.tflite",
    # 7 SVDF layers with int8 state: the 200 random frames run as one stream from a reset state
    "keyword": "breadth/keyword_scrambled_8bit.tflite",
}
BIG = {"ic", "vww"}


@pytest.fixture(scope="module")
def oracle_cache():
    """Per model: (samples, tflite-micro outputs), shared by both plans."""
    cache = {}

    def get(name: str):
        if name not in cache:
            model = (MODELS / MODEL_FILES[name]).read_bytes()
            samples = [[x] for x in real_samples(name, read_graph(model))] + random_samples(model, N_RANDOM, 1234)
            cache[name] = (model, samples, tflm_outputs(model, samples))
        return cache[name]
    return get


@pytest.mark.parametrize("inplace", [True, False], ids=["inplace", "separate"])
@pytest.mark.parametrize("name", [
    "hello_world", "ad", "kws", "keyword",
    pytest.param("ic", marks=pytest.mark.slow), pytest.param("vww", marks=pytest.mark.slow),
])
def test_bit_exact_with_tflite_micro(name, inplace, oracle_cache, tmp_path):
    model, samples, reference = oracle_cache(name)
    assert len(samples) >= N_RANDOM + len(real_samples(name, read_graph(model)))
    n_sanitized = SANITIZED_SAMPLES_BIG if name in BIG else len(samples)
    program, _ = build_model(model, tmp_path / "asan", inplace=inplace, sanitize=True)
    mismatches = diff_outputs(program.run(samples[:n_sanitized]), reference[:n_sanitized])
    assert not mismatches, f"ASan build: {len(mismatches)} mismatching outputs, first: {mismatches[:5]}"
    if name in BIG:
        program, _ = build_model(model, tmp_path / "fast", inplace=inplace, sanitize=False)
        mismatches = diff_outputs(program.run(samples), reference)
        assert not mismatches, f"{len(mismatches)} mismatching outputs, first: {mismatches[:5]}"


def test_the_two_plans_really_differ():
    """The in-place plan overlaps tensors (so the oracle runs above check the overlap contract)."""
    from mcugen import pipeline
    from mcugen.ops import lower_graph

    for name in ("kws", "ic", "vww"):
        graph = read_graph((MODELS / MODEL_FILES[name]).read_bytes())
        calls = lower_graph(graph)
        inplace, separate = pipeline.plan(graph, calls, inplace=True), pipeline.plan(graph, calls, inplace=False)
        shared = [op.index for op in graph.ops
                  if any(i >= 0 and not graph.tensor(i).is_constant
                         and inplace.tensor_offsets[i] == inplace.tensor_offsets[op.outputs[0]]
                         for i in op.inputs)]
        assert shared, f"{name}: no op writes over its input in the in-place plan"
        assert dict(inplace.tensor_offsets) != dict(separate.tensor_offsets)
