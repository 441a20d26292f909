"""The fit check counts each board's own firmware share (measured or stated as an estimate),
warns above 90 % and refuses above 100 %, before anything is written."""
from __future__ import annotations

import re
import shutil

import pytest

from mcugen.boards import BOARDS_DIR, list_boards, load_board
from tests.faults.conftest import assert_one_clear_error, run_mcugen


def test_every_board_states_its_firmware_share_and_where_it_comes_from():
    for board in list_boards():
        assert board.firmware_flash_bytes > 0 and board.firmware_ram_bytes > 0, board.name
        kind = board.firmware_source.split(":")[0]
        assert kind == ("measured" if board.emulated else "estimate"), (board.name, board.firmware_source)
    esp32, m4 = load_board("esp32"), load_board("mps2_an386")
    assert esp32.firmware_flash_bytes > 10 * m4.firmware_flash_bytes  # ESP-IDF is far larger


@pytest.mark.slow
def test_the_measured_share_covers_a_real_build(shared_models, tmp_path):
    """On an emulated board the estimate is at least what the linker reports."""
    from mcugen.project.api import build

    result = build(shared_models / "kws/kws_ref_model.tflite", "mps2_an386", tmp_path / "fw")
    for env, sizes in result.sizes.items():
        assert sizes.flash <= result.estimate.flash, env
        assert sizes.ram_static + result.estimate.stack <= result.estimate.ram, env


def _board_with(tmp_path, monkeypatch, flash_bytes: int, ram_bytes: int) -> str:
    """mps2_an386 with other flash and RAM sizes, and its RAM alone (no [[memory.regions]])."""
    text = re.sub(r"\n# The RAM regions.*?(?=\n# The firmware)", "", (BOARDS_DIR / "mps2_an386.toml").read_text(),
                  flags=re.S)
    assert "[[memory.regions]]" not in text
    text = text.replace('name = "mps2_an386"', 'name = "tight"')
    text = text.replace("flash_bytes = 4_194_304", f"flash_bytes = {flash_bytes}")
    text = text.replace("ram_bytes = 4_194_304", f"ram_bytes = {ram_bytes}")
    folder = tmp_path / "boards"
    folder.mkdir(exist_ok=True)
    (folder / "tight.toml").write_text(text)
    monkeypatch.setenv("MCUGEN_BOARD_PATH", str(folder))
    return "tight"


def test_nearly_full_warns_and_over_full_refuses(shared_models, tmp_path, monkeypatch):
    model = tmp_path / "hello.tflite"
    shutil.copyfile(shared_models / "hello_world/hello_world_int8.tflite", model)
    m4 = load_board("mps2_an386")
    ram = m4.stack_bytes + m4.firmware_ram_bytes + 64  # arena 64 B: 100 % full, fits exactly
    board = _board_with(tmp_path, monkeypatch, 4_194_304, ram)
    proc = run_mcugen("build", str(model), "--board", board, "-o", str(tmp_path / "fw"), "--no-compile",
                      cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "tight's RAM is 100% full" in proc.stderr and "measured" in proc.stderr
    board = _board_with(tmp_path, monkeypatch, 4_194_304, ram - 16)
    proc = run_mcugen("build", str(model), "--board", board, "-o", str(tmp_path / "fw2"), "--no-compile",
                      cwd=tmp_path)
    assert_one_clear_error(proc, 2, "does not fit tight", "firmware ~3.0 KiB (measured")
    assert not (tmp_path / "fw2").exists()
