"""The 3x3 depthwise kernel (depthwise_conv_2d_3x3_dsp, mcugen/ops/depthwise_3x3.py) bit-exact with
tflite-micro: random stacks on the host (its plain-C path, ASan/UBSan, both arena plans) drawing
strides 1 and 2 on either axis, SAME and VALID, 4 to 12 channels, rows whose strip is walked in
chunks, images of one row or column (both filter rows outside), beside layers it leaves to the
other kernels; the tightest streaming overlap; the real instructions under QEMU."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen import pipeline
from mcugen.convert.tflite_reader import read_graph
from mcugen.ops import lower_graph
from mcugen.ops.depthwise_3x3 import group_weights, strip_plan
from mcugen.ops.variants import specialise
from tests.support.oracle import assert_exact, random_samples, seeded_model, to_int8

KERNEL = "depthwise_conv_2d_3x3_dsp"


def random_stack(seed: int) -> bytes:
    """A 1x1 convolution to 4-12 channels, then 3x3 depthwise layers of random strides and padding
    (one with RELU6: another kernel), on an input of 1-12 rows and 1-40 columns."""
    draw = np.random.default_rng(seed)
    channels = int(draw.choice([4, 8, 12]))
    plan = [((int(draw.integers(1, 3)), int(draw.integers(1, 3))), ["same", "valid"][draw.integers(2)])
            for _ in range(4)]

    def build(k, x):
        x = k.layers.Conv2D(channels, (1, 1), activation="relu")(x)
        for i, (strides, padding) in enumerate(plan):
            _, h, w, _ = x.shape
            if padding == "valid" and (h < 3 or w < 3):
                padding = "same"
            x = k.layers.DepthwiseConv2D((3, 3), strides=strides, padding=padding,
                                         activation="relu6" if i == 2 else None)(x)
        return k.layers.DepthwiseConv2D((3, 3), padding="same")(x)

    shape = (int(draw.integers(1, 13)), int(draw.integers(1, 41)), 3)
    model, rng = seeded_model(build, shape, seed)
    return to_int8(model, rng=rng, low=-2, high=2)


def edge_cases() -> bytes:
    """Rows chunked at strides 1 and 2 (8 channels, 40 columns), mixed strides, a single input
    row and a single column (SAME: filter rows and columns outside on both sides); a wide first
    layer leaves the arena room for one table a group later on."""
    def build(k, x):
        x = k.layers.Conv2D(48, (1, 1), activation="relu")(x)
        x = k.layers.Conv2D(8, (1, 1), activation="relu")(x)
        a = k.layers.DepthwiseConv2D((3, 3), padding="same")(x)                    # chunked, stride 1
        a = k.layers.DepthwiseConv2D((3, 3), strides=2, padding="same")(a)         # chunked, stride 2
        a = k.layers.DepthwiseConv2D((3, 3), strides=(1, 2), padding="valid")(a)
        a = k.layers.DepthwiseConv2D((3, 3), strides=(2, 1), padding="same")(a)
        row = k.layers.Conv2D(8, (5, 1), strides=(5, 1))(x)                        # one row of 40
        row = k.layers.DepthwiseConv2D((3, 3), padding="same")(row)
        column = k.layers.Conv2D(4, (1, 40))(x)                                    # one column
        column = k.layers.DepthwiseConv2D((3, 3), padding="same")(column)
        return [a, row, column]

    model, rng = seeded_model(build, (5, 40, 3), 11)
    return to_int8(model, rng=rng, low=-2, high=2)


def dsp_calls(model: bytes):
    graph = read_graph(model)
    return [c for c in specialise(graph, lower_graph(graph), "dsp") if c.kernel == KERNEL]


@pytest.mark.parametrize("seed", [0, 1, pytest.param(2, marks=pytest.mark.slow),
                                  pytest.param(3, marks=pytest.mark.slow)])
def test_random_3x3_stacks_bit_exact(seed, tmp_path):
    model = random_stack(seed)
    kernels = assert_exact(model, random_samples(model, 4, seed=seed), tmp_path, variant="dsp")
    assert KERNEL in kernels


def test_edge_cases_bit_exact(tmp_path):
    model = edge_cases()
    calls = [dict(c.params) for c in dsp_calls(model)]
    assert any(p["chunk"] < p["out_w"] and p["stride_w"] == 1 for p in calls)
    assert any(p["chunk"] < p["out_w"] and p["stride_w"] == 2 for p in calls)
    assert any(p["in_h"] == 1 for p in calls) and any(p["in_w"] == 1 for p in calls)
    assert any(p["stride_h"] != p["stride_w"] for p in calls)
    # the in-place plan leaves room for one table a group at a layer: its scratch grows there
    library = pipeline.generate(read_graph(model), pipeline.Target("dsp"))
    assert any(c.kernel == KERNEL and dict(c.params)["tables"] > 1 for c in library.calls)
    assert_exact(model, random_samples(model, 4, seed=5), tmp_path, variant="dsp")


def test_scratch_grows_into_room_the_plan_leaves(shared_models):
    """VWW's plan has room beside most depthwise layers' scratch: they keep one table a group,
    the arena stays the size it was planned, and the room is what the plan leaves free."""
    from mcugen.arena.grow import scratch_room
    from mcugen.arena.lifetimes import tensor_lifetimes

    graph = pipeline.canonical(pipeline.load(shared_models / "vww/vww_96_int8.tflite").graph)
    calls = pipeline.lower(graph, "dsp")
    plan = pipeline.plan(graph, calls, True, 16)
    grown = pipeline.grow(graph, calls, plan)
    tables = [dict(c.params)["tables"] for c in grown if c.kernel == KERNEL]
    assert len(tables) == 13 and sum(t > 1 for t in tables) >= 10
    for before, after in zip(calls, grown):
        if after is not before:
            room = scratch_room(graph, plan, after.op_index)
            assert before.scratch_bytes < after.scratch_bytes <= room
            start = plan.scratch_offsets[after.op_index]
            lives = tensor_lifetimes(graph)
            # nothing alive at that step lies in [start, start + room)
            assert all(not start <= plan.tensor_offsets[t] < start + room for t, (a, b) in lives.items()
                       if a <= after.op_index <= b and graph.tensors[t].nbytes)
    library = pipeline.generate(graph, pipeline.Target.for_board("netduinoplus2"))
    assert library.plan.size == plan.size


def test_group_weights_layout():
    filt = np.arange(3 * 3 * 8, dtype=np.int64).reshape(3, 3, 8) - 36  # w[row][column][channel]
    laid = group_weights(filt.astype(np.int8)).reshape(2, 3, 12)
    g, fx = 1, 2
    w = filt[:, fx, 4 * g:4 * g + 4]
    assert list(laid[g, fx]) == [w[0, 0], w[0, 1], w[1, 0], w[1, 1], w[0, 2], w[0, 3], w[1, 2], w[1, 3], *w[2]]


def test_strip_plan():
    base = dict(out_w=48, stride_w=1, pad_left=1, in_w=48, out_c=8)
    assert strip_plan(base) == (30, 1 + 1 + 32)                   # chunks of 30 pixels (strip <= 2 rows' bytes)
    assert strip_plan({**base, "out_c": 32}) == (48, 50)           # the whole row
    assert strip_plan(dict(out_w=1, stride_w=1, pad_left=1, in_w=1, out_c=4)) == (1, 3)
    assert strip_plan({**base, "out_w": 24, "stride_w": 2, "pad_left": 0, "out_c": 16}) == (15, 1 + 31)
    # a chunk other than the last would reach right of the image: not this kernel
    assert strip_plan(dict(out_w=40, stride_w=1, pad_left=0, in_w=20, out_c=4)) is None


@pytest.mark.slow
def test_tightest_overlap(tmp_path):
    """The streaming contract at its tightest (tests/kernels/test_overlap_contract.py's plan): 3x3
    depthwise layers of every stride and padding give the bytes they give in separate buffers."""
    from mcugen.codegen import generate_sources
    from mcugen.hostrun import build_host
    from tests.kernel_variants.test_dsp_overlap import overlap
    from tests.support.plans import separate_plan

    rng = np.random.default_rng(4)
    chain = overlap.ChainBuilder(rng, (1, 11, 9, 8))
    for stride, padding in ((1, "SAME"), (2, "SAME"), (1, "VALID"), (1, "SAME"), (2, "VALID")):
        chain.spatial("DEPTHWISE_CONV_2D", 3, 3, stride, 1, padding, 1)
    graph = chain.graph()
    calls = specialise(graph, lower_graph(graph), "dsp")
    assert [c.kernel for c in calls] == [KERNEL] * 5
    samples = [[rng.integers(-128, 128, (1, 11, 9, 8), dtype=np.int8)] for _ in range(6)]
    runs = [build_host(generate_sources(graph, plan, calls), tmp_path / name, graph=graph).run(samples)
            for name, plan in (("separate", separate_plan(graph, pipeline.scratch_of(calls), overlap.ALIGN)),
                               ("tightest", overlap.tightest_plan(graph, calls)))]
    for a, b in zip(*runs):
        assert np.array_equal(a[0], b[0])


@pytest.mark.slow
def test_3x3_kernel_bit_exact_under_qemu(tmp_path):
    """The real SXTB16/SMLAD/SMMLAR instructions (the host runs their plain-C equivalents): the
    self-test firmware compares every output byte with tflite-micro on an emulated M4."""
    from mcugen.project.api import build

    model = tmp_path / "edges.tflite"
    model.write_bytes(edge_cases())
    result = build(model, "mps2_an386", tmp_path / "fw", run=True)
    assert result.run is not None and result.run.passed, result.run and result.run.console
    assert f"{KERNEL}_s8.c" in {p.name for p in (tmp_path / "fw" / "src").iterdir()}
