"""The row-walking depthwise kernel (depthwise_conv_2d_rows_dsp, mcugen/ops/depthwise_rows.py) on
the host, bit-exact with tflite-micro under ASan/UBSan and both arena plans: random stacks of
depthwise layers drawing its every path (3x3, 5x5, 3x5, 2x2 and 1x1 filters, strides 1 and 2,
SAME and VALID, dilation, 4 to 16 channels, rows and pixels at every edge) beside layers it leaves to the other kernels (odd channels, depth
multiplier 2, more than 25 taps)."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.convert.tflite_reader import read_graph
from mcugen.ops import lower_graph
from mcugen.ops.depthwise_rows import every_row_walks, interior_columns, output_stage_fits, walked_columns
from mcugen.ops.variants import specialise
from tests.support.oracle import assert_exact, random_samples, seeded_model, to_int8

FILTERS = [(3, 3), (5, 5), (3, 5), (2, 2), (1, 1), (5, 3)]
ACTIVATIONS = [None, "relu", "relu6"]


def random_stack(seed: int) -> bytes:
    draw = np.random.default_rng(seed)
    plan = []
    for _ in range(4):
        plan.append((FILTERS[draw.integers(len(FILTERS))], int(draw.integers(1, 3)),
                     ["same", "valid"][draw.integers(2)], int(draw.integers(1, 3)),
                     ACTIVATIONS[draw.integers(len(ACTIVATIONS))]))
    channels = int(draw.choice([4, 8, 12, 16]))

    def build(k, x):
        x = k.layers.Conv2D(channels, (1, 1), activation="relu")(x)
        for (fh, fw), stride, padding, dilation, act in plan:
            _, h, w, _ = x.shape
            if (fh - 1) * dilation + 1 > h or (fw - 1) * dilation + 1 > w:
                continue
            if dilation > 1:
                stride = 1  # Keras refuses a stride with a dilation
            x = k.layers.DepthwiseConv2D((fh, fw), strides=stride, padding=padding, dilation_rate=dilation,
                                         activation=act)(x)
        x = k.layers.DepthwiseConv2D((6, 5), padding="same")(x)                  # 30 taps: the general kernel
        y = k.layers.Conv2D(6, (1, 1))(x)                                        # odd channels: not this kernel
        y = k.layers.DepthwiseConv2D((3, 3), padding="same")(y)
        z = k.layers.DepthwiseConv2D((3, 3), padding="same", depth_multiplier=2)(x)  # nor this
        return k.layers.Concatenate()([y, z])

    model, rng = seeded_model(build, (int(draw.integers(9, 17)), int(draw.integers(7, 15)), 3), seed)
    return to_int8(model, rng=rng, low=-2, high=2)


@pytest.mark.parametrize("seed", [0, 1, 2, pytest.param(3, marks=pytest.mark.slow),
                                  pytest.param(4, marks=pytest.mark.slow)])
def test_random_depthwise_stacks_bit_exact(seed, tmp_path):
    model = random_stack(seed)
    kernels = assert_exact(model, random_samples(model, 4, seed=seed), tmp_path, variant="dsp")
    assert {"depthwise_conv_2d_rows_dsp", "depthwise_conv_2d_dsp", "depthwise_conv_2d"} <= kernels
    # rv32 keeps the general kernel (the host run above is the rows kernel's plain-C path)
    graph = read_graph(model)
    rv32 = {c.kernel for c in specialise(graph, lower_graph(graph), "rv32")}
    assert "depthwise_conv_2d_dsp" in rv32 and "depthwise_conv_2d_rows_dsp" not in rv32


def test_output_stage_fits_refuses_what_the_kernel_cannot_do_exactly():
    ok = dict(multiplier=(1 << 30,), shift=(-7,), output_offset=-128, bound=1 << 20)
    assert output_stage_fits(**ok)
    assert not output_stage_fits(**{**ok, "shift": (1,)})          # a left shift
    assert not output_stage_fits(**{**ok, "shift": (0,)})          # no rounding shift
    assert not output_stage_fits(**{**ok, "multiplier": (-5,)})
    assert not output_stage_fits(**{**ok, "bound": 1 << 30})       # SMMLAR's doubling overflows
    assert not output_stage_fits(**{**ok, "shift": (-25,)})        # the zero point's term leaves int32


def test_interior_columns():
    base = dict(out_w=5, stride_w=1, pad_left=1, filter_w=3, dilation_w=1, in_w=5)
    assert interior_columns(base) == (1, 4)
    assert interior_columns({**base, "pad_left": 0, "out_w": 3}) == (0, 3)               # VALID
    assert interior_columns({**base, "filter_w": 5, "pad_left": 2, "in_w": 3, "out_w": 3}) == (0, 0)
    assert walked_columns({**base, "filter_w": 5, "pad_left": 2, "in_w": 3, "out_w": 3}, 0) == (2, 5)
    assert interior_columns({**base, "stride_w": 2, "out_w": 3, "in_w": 6, "pad_left": 0}) == (0, 2)


@pytest.mark.slow
@pytest.mark.parametrize("board", ["mps2_an386", "netduinoplus2"])
def test_rows_kernel_bit_exact_under_qemu(board, tmp_path):
    """The real SXTB16/SMLAxy/SMMLAR instructions (the host runs their plain-C equivalents): the
    self-test firmware compares every output byte with tflite-micro on the emulated M4."""
    from mcugen.project.api import build

    model = tmp_path / "stack.tflite"
    model.write_bytes(random_stack(3))
    result = build(model, board, tmp_path / "fw", run=True)
    assert result.run is not None and result.run.passed, result.run and result.run.console
    assert "depthwise_conv_2d_rows_dsp_s8.c" in {p.name for p in (tmp_path / "fw" / "src").iterdir()}


def test_every_row_walks():
    base = dict(out_h=2, stride_h=1, pad_top=1, filter_h=2, dilation_h=3, in_h=2)
    assert not every_row_walks(base)       # output row 0's taps sit at -1 and 2: both outside
    assert every_row_walks({**base, "dilation_h": 1})


@pytest.mark.parametrize("width,kernel", [(1, "depthwise_conv_2d_dsp"), (2, "depthwise_conv_2d_dsp"),
                                          (3, "depthwise_conv_2d_rows_dsp")])
def test_rows_of_one_or_two_pixels_keep_the_general_kernel(width, kernel, tmp_path):
    """A row's set-up costs the rows kernel more than it saves on one or two output pixels
    (a 1-D audio layer: out_w 1), and both kernels stay bit-exact there."""
    model, rng = seeded_model(lambda k, x: k.layers.DepthwiseConv2D((3, 1), activation="relu")(
        k.layers.Conv2D(12, (5, 1), activation="relu")(x)), (20, width, 8), width)
    model = to_int8(model, rng=rng)
    graph = read_graph(model)
    chosen = [c.kernel for c in specialise(graph, lower_graph(graph), "dsp") if c.kind == "DEPTHWISE_CONV_2D"]
    assert chosen == [kernel]
    assert kernel in assert_exact(model, random_samples(model, 3, seed=width), tmp_path, variant="dsp")
