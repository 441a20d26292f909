"""The DSP kernels as the boards run them: built with the board's compiler flags (the inline SMLAD/
SXTB16 loops are only compiled for cores with the DSP extension), run under QEMU by the self-test
firmware, every output byte compared with tflite-micro on the device. Also: the dsp variant
really is faster than the portable kernels on the same model."""
from __future__ import annotations

import pytest

from mcugen.boards import BOARDS_DIR, load_board
from mcugen.project.api import build

from .test_dsp_host import random_chain

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def chain_file(tmp_path_factory):
    """Odd shapes through every DSP kernel path (see test_dsp_host), as a .tflite file."""
    path = tmp_path_factory.mktemp("chain") / "chain.tflite"
    path.write_bytes(random_chain(seed=2))
    return path


@pytest.mark.parametrize("board,variant", [
    ("netduinoplus2", "dsp"), ("mps2_an500", "dsp"), ("mps3_an547", "dsp"),  # M4, M7, M55
    ("riscv32_virt", "rv32"),  # the layouts' plain-C path, as on an ESP32-C3
])
def test_random_chain_bit_exact_on_emulated_board(board, variant, chain_file, tmp_path):
    assert load_board(board).kernel_variant == variant
    result = build(chain_file, board, tmp_path / "fw", run=True)
    assert result.run is not None and result.run.passed, result.run and result.run.console
    sources = {p.name for p in (tmp_path / "fw" / "src").iterdir()}
    assert {"depthwise_conv_2d_dsp_s8.c", "add_dsp_s8.c"} <= sources
    if variant == "dsp":  # the lean matrix kernels, with their asm walks, and the lean ADD
        assert {"conv_2d_rgb_dsp_s8.c", "conv_2d_im2col_dsp_s8.c", "conv_2d_1x1_dsp_s8.c",
                "fully_connected_quad_dsp_s8.c", "mg_mm_dsp.c", "add_lean_dsp_s8.c"} <= sources
    else:
        assert {"conv_2d_dsp_s8.c", "fully_connected_dsp_s8.c"} <= sources
    assert ("average_pool_2d_dsp_s8.c" in sources) == (variant == "dsp")  # SXTAB16 or nothing


def test_kws_dsp_beats_portable_on_netduinoplus2(shared_models, tmp_path, monkeypatch):
    model = shared_models / "kws/kws_ref_model.tflite"
    board = load_board("netduinoplus2")
    fast = build(model, "netduinoplus2", tmp_path / "dsp", run=True)
    # the same board with the portable kernels, as a user's own board file would say
    boards = tmp_path / "boards"
    boards.mkdir()
    text = (BOARDS_DIR / "netduinoplus2.toml").read_text()
    (boards / "nd_portable.toml").write_text(
        text.replace('name = "netduinoplus2"', 'name = "nd_portable"')
        .replace('kernel_variant = "dsp"', 'kernel_variant = "portable"'))
    monkeypatch.setenv("MCUGEN_BOARD_PATH", str(boards))
    slow = build(model, "nd_portable", tmp_path / "portable", run=True)
    assert fast.run.passed and slow.run.passed
    fast_n = fast.run.instructions_per_inference(board.counter_hz)
    slow_n = slow.run.instructions_per_inference(board.counter_hz)
    print(f"kws on netduinoplus2: dsp {fast_n:,} vs portable {slow_n:,} instructions per inference")
    assert fast_n < slow_n / 2
