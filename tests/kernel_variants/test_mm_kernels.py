"""The lean DSP matrix kernels (conv_2d_1x1_dsp, conv_2d_1x1_x16_dsp, conv_2d_rgb_dsp,
conv_2d_im2col_dsp, fully_connected_quad_dsp: mg_mm_dsp.h) bit-exact with
tflite-micro: random layers reaching every
path on the host (their plain-C walks, ASan + UBSan, both arena plans), and the same models under
QEMU with the real instructions.

Paths: pointwise with ragged input channels, odd output channels, strides, widths 1 and 2 (pixel
triples spanning three rows); 3x3 on 3 channels with borders, strides and a vertical dilation;
im2col windows on 1, 2 and 4 channels; FULLY_CONNECTED with 1-5 and 13 outputs (the quads' tail),
ragged and 8-mod-16 depths (the half turn), several rows; both output stages (ReLU-type zero point
-128: the walk without the sign fix; any other: with it); pruned channels (all-zero weights, large
bias), which the proof rewrites to constants; int16 weights (forced: their gain threshold keeps
small models off them): pointwise layers widened whole with a partial last triple, several weight
blocks, and the weights widened once per call (`widen`) for pointwise, first-layer and im2col
kernels, an odd channel count among them."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen import pipeline
from mcugen.convert.tflite_reader import read_graph
from mcugen.ops import lower_graph
from mcugen.project.api import build
from tests.support.oracle import assert_exact, random_samples, seeded_model, to_int8

LEAN = {"conv_2d_1x1_dsp", "conv_2d_1x1_x16_dsp", "conv_2d_rgb_dsp", "conv_2d_im2col_dsp",
        "fully_connected_quad_dsp"}


def _pointwise(k, x):  # (11, 5, 5)
    x = k.layers.Conv2D(6, 1, strides=2, activation="relu")(x)            # in_c 5 (ragged), stride 2
    x = k.layers.Conv2D(9, 1)(x)                                          # odd out_c, sign fix
    x = k.layers.Conv2D(8, 1, strides=(1, 2), activation="relu", name="pruned")(x)  # width 2
    x = k.layers.Conv2D(7, (1, 2))(x)                                     # im2col, width 1
    x = k.layers.Conv2D(12, 1, activation="relu6")(x)                     # width 1: triples over 3 rows
    return k.layers.Conv2D(5, 1)(x)


def _image(k, x):  # (9, 8, 3): the first-layer kernel, and im2col on 1, 2 and 4 channels
    a = k.layers.Conv2D(5, 3, padding="same", activation="relu")(x)                   # borders
    b = k.layers.Conv2D(8, 3, strides=2, padding="valid")(x)
    c = k.layers.Conv2D(4, 3, dilation_rate=(2, 1), padding="same", activation="relu")(x)
    d = k.layers.Conv2D(6, (4, 2), strides=2, padding="same")(k.layers.Conv2D(1, 1)(x))    # in_c 1
    e = k.layers.Conv2D(3, 3, padding="same")(k.layers.Conv2D(2, 1)(x))                    # in_c 2
    f = k.layers.Conv2D(6, 3, padding="same", activation="relu")(c)                        # in_c 4
    return [a, b, d, e, f]


def _dense(k, x):  # (3, 37): FULLY_CONNECTED over 3 rows, 37 taps
    x = k.layers.Dense(13, activation="relu")(x)
    x = k.layers.Dense(24)(x)                                             # 13 taps -> 16
    x = k.layers.Dense(5, activation="relu")(x)                           # 24 taps: half turn
    y = k.layers.Dense(1)(k.layers.Flatten()(x))
    z = k.layers.Dense(2)(k.layers.Flatten()(x))
    w = k.layers.Dense(3, activation="relu")(k.layers.Flatten()(x))
    v = k.layers.Dense(4)(k.layers.Flatten()(x))
    u = k.layers.Dense(10)(k.layers.Flatten()(x))                         # quads and a tail of 2
    t = k.layers.Dense(11, activation="relu")(k.layers.Flatten()(x))      # ... and of 3
    return [y, z, w, v, u, t]


def _pointwise16(k, x):  # (5, 7, 8): conv_2d_1x1_x16_dsp where forced (`wide` below)
    x = k.layers.Conv2D(16, 1, activation="relu")(x)       # 35 pixels: a partial last triple
    x = k.layers.Conv2D(8, 1)(x)                           # sign fix
    x = k.layers.Conv2D(16, 1, strides=2, activation="relu")(x)  # 3 x 4 pixels, 8 pairs: blocks 3, 3, 2
    x = k.layers.Conv2D(6, 1)(x)
    return k.layers.Conv2D(9, 1, activation="relu")(x)     # in_c 6, odd out_c: conv_2d_1x1_dsp, widened


def _turns(k, x):  # (4, 5, 4): 1 to 9 groups a pixel, both output stages
    for n, c in enumerate((8, 12, 16, 20, 24, 28, 32, 36, 5)):
        x = k.layers.Conv2D(c, 1, activation="relu" if n % 2 else None)(x)
    return x


CASES = {"pointwise": (_pointwise, (11, 5, 5)), "image": (_image, (9, 8, 3)), "dense": (_dense, (3, 37)),
         "pointwise16": (_pointwise16, (5, 7, 8)), "turns": (_turns, (4, 5, 4))}


@pytest.fixture
def wide(monkeypatch):
    """int16 weights for every lean CONV_2D (whatever the gain and the arena):
    conv_2d_1x1_x16_dsp where it can take the layer, 3 channel pairs a block, else `widen`."""
    import mcugen.ops.variants_wide as variants_wide

    monkeypatch.setattr(variants_wide, "CODE_GAIN", 0)
    monkeypatch.setattr(variants_wide, "WIDEN_COST", 0)
    monkeypatch.setattr(variants_wide, "X16_MAX_BLOCK", 3)
    monkeypatch.setattr(variants_wide, "HEADROOM", 1000.0)


def _model(case: str, seed: int) -> bytes:
    build_fn, shape = CASES[case]
    model, rng = seeded_model(build_fn, shape, seed)
    for layer in model.layers:  # pruned channels: all-zero weights, a bias far from zero
        if layer.name == "pruned":
            kernel, bias = layer.get_weights()
            kernel[..., 2:4] = 0
            bias[2:4] = (40.0, -40.0)
            layer.set_weights([kernel, bias])
    return to_int8(model, rng=rng, low=-2, high=2)


def _lean_calls(model: bytes):
    graph = pipeline.canonical(read_graph(model))
    return [c for c in pipeline.lower(graph, "dsp") if c.kernel in LEAN]


@pytest.mark.parametrize("case,seed", [("pointwise", 0), ("image", 0), ("dense", 0),
                                       pytest.param("pointwise", 1, marks=pytest.mark.slow),
                                       pytest.param("image", 1, marks=pytest.mark.slow),
                                       pytest.param("dense", 1, marks=pytest.mark.slow)])
def test_lean_kernels_bit_exact(case, seed, tmp_path):
    model = _model(case, seed)
    calls = _lean_calls(model)
    walks = {dict(c.params)["walk"].name for c in calls if c.kernel.startswith("conv")}
    kernels = assert_exact(model, random_samples(model, 6, seed=seed), tmp_path, variant="dsp")
    want = {"pointwise": {"conv_2d_1x1_dsp", "conv_2d_im2col_dsp"},
            "image": {"conv_2d_rgb_dsp", "conv_2d_im2col_dsp", "conv_2d_1x1_dsp"},
            "dense": {"fully_connected_quad_dsp"}}[case]
    assert want <= kernels, kernels
    if case != "dense":  # both output stages
        assert walks == {"mg_mm_walk3_relu", "mg_mm_walk3_fix"}, walks
    else:  # the wide layers need the quad kernel: the narrow ones share it (one dense kernel's code)
        dense = [c for c in pipeline.lower(pipeline.canonical(read_graph(model)), "dsp")
                 if c.kind == "FULLY_CONNECTED"]
        assert {c.kernel for c in dense} == {"fully_connected_quad_dsp"}
        assert {dict(c.params)["output_depth"] for c in dense} >= {1, 2, 3, 4, 5, 10, 11, 13, 24}
    if case == "pointwise":  # the pruned channels (|bias| ~ 2^30, beyond the proof) ran lean as constants
        graph = pipeline.canonical(read_graph(model))
        portable = next(c for c in lower_graph(graph) if c.kernel == "conv_2d" and dict(c.params)["out_c"] == 8)
        folded = next(a.values for a in portable.consts if a.name == "bias_folded")
        assert min(abs(folded[2]), abs(folded[3])) >= 1 << 30
        assert any(c.op_index == portable.op_index for c in calls)


@pytest.mark.parametrize("widths,kernels", [((3,), {"fully_connected_dsp"}), ((7, 2), {"fully_connected_dsp"}),
                                            ((9, 3), {"fully_connected_quad_dsp"})])
def test_narrow_dense_layers_keep_the_pair_kernel_unless_the_quad_one_is_there(widths, kernels):
    """Under 8 channels the pair kernel is faster; where a wider layer brings the quad kernel in,
    the narrow ones use it too rather than link a second dense kernel."""
    def build(k, x):
        for width in widths:
            x = k.layers.Dense(width)(x)
        return x

    model, rng = seeded_model(build, (40,), 1)
    graph = pipeline.canonical(read_graph(to_int8(model, rng=rng)))
    assert {c.kernel for c in pipeline.lower(graph, "dsp") if c.kind == "FULLY_CONNECTED"} == kernels


@pytest.mark.parametrize("seed", [0, pytest.param(1, marks=pytest.mark.slow)])
def test_int16_weights_pointwise_bit_exact(seed, wide, tmp_path):
    model = _model("pointwise16", seed)
    calls = _lean_calls(model)
    wide_calls = [c for c in calls if c.kernel == "conv_2d_1x1_x16_dsp"]
    assert len(wide_calls) == 4 and calls[-1].kernel == "conv_2d_1x1_dsp"
    assert dict(calls[-1].params)["widen"].name == "mg_mm_widen_stream"
    assert {dict(c.params)["walk"].name for c in wide_calls} == {"mg_mm_walk3w_relu", "mg_mm_walk3w_fix"}
    kernels = assert_exact(model, random_samples(model, 6, seed=seed), tmp_path, variant="dsp")
    assert {"conv_2d_1x1_x16_dsp", "conv_2d_1x1_dsp"} <= kernels


def test_int16_walks_enter_their_turns_everywhere(wide, tmp_path):
    """The int16 walks take 8 groups a turn after a pair's first group: layers of 1 to 9 groups
    enter it at every one of its groups (and skip it for 1), for both output stages."""
    model = _model("turns", 0)
    calls = _lean_calls(model)
    entries = {(dict(c.params)["walk"].name, (dict(c.params)["groups"] - 1) % 8) for c in calls}
    assert {e for _, e in entries} == set(range(8)) and {w for w, _ in entries} == {"mg_mm_walk3w_relu",
                                                                                 "mg_mm_walk3w_fix"}
    assert 1 in {dict(c.params)["groups"] for c in calls}
    assert_exact(model, random_samples(model, 6, seed=0), tmp_path, variant="dsp")


def test_int16_weights_once_per_call_bit_exact(wide, tmp_path):
    """`widen` on the first-layer and im2col kernels (borders, strides, dilation, in_c 1, 2, 4)."""
    model = _model("image", 0)
    calls = [c for c in _lean_calls(model) if c.kernel in ("conv_2d_rgb_dsp", "conv_2d_im2col_dsp")]
    assert {c.kernel for c in calls} == {"conv_2d_rgb_dsp", "conv_2d_im2col_dsp"}
    assert all(dict(c.params)["widen"].name == "mg_mm_widen_stream" for c in calls)
    assert {dict(c.params)["walk"].name for c in calls} == {"mg_mm_walk3w_relu", "mg_mm_walk3w_fix"}
    assert_exact(model, random_samples(model, 6, seed=0), tmp_path, variant="dsp")


@pytest.mark.slow
def test_lean_kernels_on_qemu(wide, tmp_path):
    """The same models' self-test under QEMU (netduinoplus2, Cortex-M4): the asm walks, every
    output byte compared with tflite-micro on the device."""
    for case in CASES:
        path = tmp_path / f"{case}.tflite"
        path.write_bytes(_model(case, 0))
        result = build(path, "netduinoplus2", tmp_path / case, run=True, selftest_only=True)
        assert result.run is not None and result.run.passed, result.run and result.run.console
        sources = {p.name for p in (tmp_path / case / "src").iterdir()}
        assert "mg_mm_dsp.c" in sources and sources & {f"{k}_s8.c" for k in LEAN}
        assert (case in ("pointwise16", "turns")) == ("conv_2d_1x1_x16_dsp_s8.c" in sources)


def test_cases_enter_the_walk_at_every_group():
    """The int8 walks take 4 groups a turn after a pair's first group and enter it
    `-(groups - 1) & 3` groups in (a single group skips it): the layers above reach every entry."""
    groups = {dict(c.params)["groups"] for case in ("pointwise", "image") for c in _lean_calls(_model(case, 0))
              if c.kernel.startswith("conv")}
    assert {(g - 1) % 4 for g in groups} == {0, 1, 2, 3} and 1 in groups, groups
