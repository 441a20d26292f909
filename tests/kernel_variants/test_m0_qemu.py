"""The m0 kernels as a Cortex-M0 runs them: their Thumb-1 loops (only compiled for ARMv6-M) in the
self-test firmware on QEMU's microbit, every output byte compared with tflite-micro on the device;
and they really are faster there than the portable kernels."""
from __future__ import annotations

import pytest

from mcugen.boards import BOARDS_DIR, load_board
from mcugen.project.api import build

from .test_m0_host import random_chain

pytestmark = pytest.mark.slow


def test_random_chain_bit_exact_on_the_m0(tmp_path):
    path = tmp_path / "chain.tflite"
    path.write_bytes(random_chain(seed=2))
    assert load_board("microbit").kernel_variant == "m0"
    result = build(path, "microbit", tmp_path / "fw", run=True, selftest_only=True)
    assert result.run is not None and result.run.passed, result.run and result.run.console
    sources = {p.name for p in (tmp_path / "fw" / "src").iterdir()}
    assert {"conv_2d_m0_s8.c", "depthwise_conv_2d_m0_s8.c"} <= sources


def test_kws_m0_beats_portable_on_the_microbit(shared_models, tmp_path, monkeypatch):
    model = shared_models / "kws/kws_ref_model.tflite"
    board = load_board("microbit")
    fast = build(model, "microbit", tmp_path / "m0", run=True, selftest_only=True)
    boards = tmp_path / "boards"  # the same board with the portable kernels, a user's own board file
    boards.mkdir()
    text = (BOARDS_DIR / "microbit.toml").read_text()
    (boards / "microbit_portable.toml").write_text(
        text.replace('name = "microbit"', 'name = "microbit_portable"')
        .replace('kernel_variant = "m0"', 'kernel_variant = "portable"'))
    monkeypatch.setenv("MCUGEN_BOARD_PATH", str(boards))
    slow = build(model, "microbit_portable", tmp_path / "portable", run=True, selftest_only=True)
    assert fast.run.passed and slow.run.passed
    fast_n = fast.run.instructions_per_inference(board.counter_hz)
    slow_n = slow.run.instructions_per_inference(board.counter_hz)
    print(f"kws on microbit: m0 {fast_n:,} vs portable {slow_n:,} instructions per inference")
    assert fast_n < 0.6 * slow_n
