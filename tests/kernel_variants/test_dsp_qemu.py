"""The DSP kernels as the boards run them: built with the board's compiler flags (the inline SMLAD/
SXTB16 loops are only compiled for cores with the DSP extension), run under QEMU by the self-test
firmware, every output byte compared with tflite-micro on the device. Also: the dsp variant
really is faster than the portable kernels on the same model."""
from __future__ import annotations

import pytest

from mcugen.boards import load_board
from mcugen.project.api import build
from tests.support.boards import board_with_variant, instructions_with_variant

from .test_dsp_host import random_chain

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chain_file(tmp_path_factory):
    """Odd shapes through every DSP kernel path (see test_dsp_host), as a .tflite file."""
    path = tmp_path_factory.mktemp("chain") / "chain.tflite"
    path.write_bytes(random_chain(seed=2))
    return path


@pytest.mark.parametrize("board,variant", [
    ("netduinoplus2", "dsp"), ("mps2_an500", "dsp"),  # M4, M7
    ("mps3_an547", "dsp"),  # M55 (its board file selects the mve kernels: a copy selects these)
    ("mps2_an505", "dsp"),  # M33
    ("riscv32_virt", "rv32"),  # the layouts' plain-C path, as on an ESP32-C3
])
def test_random_chain_bit_exact_on_emulated_board(board, variant, chain_file, tmp_path, monkeypatch):
    own = load_board(board).kernel_variant
    assert own == variant or (board, own) == ("mps3_an547", "mve")
    board = board_with_variant(board, variant, tmp_path / "boards", monkeypatch)
    result = build(chain_file, board, tmp_path / "fw", run=True)
    assert result.run is not None and result.run.passed, result.run and result.run.console
    sources = {p.name for p in (tmp_path / "fw" / "src").iterdir()}
    assert {"depthwise_conv_2d_dsp_s8.c", "add_dsp_s8.c"} <= sources
    if variant == "dsp":  # the lean matrix kernels, with their asm walks, and the lean ADD
        assert {"conv_2d_rgb_dsp_s8.c", "conv_2d_im2col_dsp_s8.c", "conv_2d_1x1_dsp_s8.c",
                "fully_connected_quad_dsp_s8.c", "mg_mm_dsp.c", "add_lean_dsp_s8.c"} <= sources
    else:
        assert {"conv_2d_dsp_s8.c", "fully_connected_dsp_s8.c"} <= sources
    # SXTAB16 / LDM-table kernels or nothing: rv32 keeps the portable pool and the general depthwise
    for dsp_only in ("average_pool_2d_dsp_s8.c", "depthwise_conv_2d_rows_dsp_s8.c", "depthwise_conv_2d_3x3_dsp_s8.c"):
        assert (dsp_only in sources) == (variant == "dsp")


def test_kws_dsp_beats_portable_on_netduinoplus2(shared_models, tmp_path, monkeypatch):
    model = shared_models / "kws/kws_ref_model.tflite"
    fast_n = instructions_with_variant(model, "netduinoplus2", "dsp", tmp_path, monkeypatch)
    # the same board with the portable kernels, as a user's own board file would say
    slow_n = instructions_with_variant(model, "netduinoplus2", "portable", tmp_path, monkeypatch)
    print(f"kws on netduinoplus2: dsp {fast_n:,} vs portable {slow_n:,} instructions per inference")
    assert fast_n < slow_n / 2


def test_int4_chain_bit_exact_on_mps2_an386(tmp_path):
    """The int4 weight kernels' inline assembly (AND-unpacked nibbles into SMLAD) on a Cortex-M4:
    the random chain in int4, -8 weights included, every output byte compared by the self-test."""
    from mcugen.convert.int4_weights import to_int4_weights
    from tests.oracle_random.test_int4 import _with_minus_eight

    path = tmp_path / "chain_int4.tflite"
    path.write_bytes(_with_minus_eight(to_int4_weights(random_chain(seed=2))))
    assert load_board("mps2_an386").kernel_variant == "dsp"
    result = build(path, "mps2_an386", tmp_path / "fw", run=True)
    assert result.run is not None and result.run.passed, result.run and result.run.console
    sources = {p.name for p in (tmp_path / "fw" / "src").iterdir()}
    assert {"conv_2d_dsp_s4.c", "depthwise_conv_2d_dsp_s4.c", "fully_connected_dsp_s4.c"} <= sources
