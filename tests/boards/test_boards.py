"""Board files: every one loads, holds real numbers, agrees with the local PlatformIO platform,
and `mcugen boards` lists them."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from mcugen.boards import BOARDS_DIR, list_boards, load_board
from mcugen.project.pio_offline import PLATFORM_DIR
from mcugen.cli import main
from mcugen.errors import BoardError

EMULATED = ["mps2_an386", "netduinoplus2", "mps2_an500", "mps3_an547", "riscv32_virt", "microbit", "mps2_an505",
            "xtensa_lx106_sim"]
REAL = ["esp32", "esp32s3", "esp32c3", "esp8266", "nucleo_f401re", "nucleo_l4r5zi", "nucleo_h743zi", "rpi_pico"]
FIRMWARE = Path(__file__).resolve().parents[2] / "firmware" / "boards"


def test_every_required_board_exists_with_the_right_kind():
    boards = {b.name: b for b in list_boards()}
    assert {n for n in EMULATED} <= set(boards) and {n for n in REAL} <= set(boards)
    assert all(boards[n].emulated for n in EMULATED)
    assert not any(boards[n].emulated for n in REAL)


@pytest.mark.parametrize("name", EMULATED + REAL)
def test_board_fields_are_consistent(name):
    b = load_board(name)
    assert b.name == name == Path(BOARDS_DIR / f"{name}.toml").stem
    assert b.ram_bytes > b.stack_bytes > 0 and b.flash_bytes > 0
    assert b.arena_align in (4, 8, 16, 32)
    assert b.counter == ("instructions" if b.emulated else "cycles")
    assert b.counter_hz > 0 and b.clock_hz > 0
    for folder in b.glue:  # glue folders exist and hold C (C++ for an Arduino core)
        assert list((FIRMWARE / folder).glob("*.c")) or list((FIRMWARE / folder).glob("*.cpp")), folder
    if b.emulated:
        assert shutil.which(b.qemu_system), b.qemu_system
        assert (FIRMWARE / b.ldscript).is_file()
        assert shutil.which(f"{b.toolchain_prefix}gcc")
    else:
        assert b.pio_platform in ("ststm32", "espressif32", "raspberrypi", "espressif8266") and b.pio_framework


def test_real_board_memory_is_the_datasheet_figure():
    assert load_board("rpi_pico").ram_bytes == 264 * 1024  # SRAM0-3 and the two scratch banks
    assert load_board("microbit").ram_bytes == 16 * 1024 and load_board("microbit").flash_bytes == 256 * 1024
    assert load_board("nucleo_f401re").ram_bytes == 96 * 1024
    assert load_board("nucleo_f401re").flash_bytes == 512 * 1024
    assert load_board("nucleo_l4r5zi").ram_bytes == 640 * 1024
    assert load_board("nucleo_h743zi").flash_bytes == 2 * 1024 * 1024


@pytest.mark.parametrize("name", EMULATED)
def test_local_platform_board_manifest_matches_the_toml(name):
    b = load_board(name)
    manifest = json.loads((PLATFORM_DIR / "boards" / f"{name}.json").read_text())
    assert manifest["build"]["cpu_flags"].split() == list(b.cflags)
    assert manifest["build"]["link_flags"].split() == list(b.ldflags)
    assert manifest["build"]["toolchain_prefix"] == b.toolchain_prefix
    assert manifest["upload"]["maximum_ram_size"] == b.ram_bytes
    assert manifest["upload"]["maximum_size"] == b.flash_bytes
    assert f"-M {b.qemu_machine}" in manifest["upload"]["qemu_command"]


def test_unknown_board_names_the_known_ones():
    with pytest.raises(BoardError) as info:
        load_board("esp9266")
    assert "mps2_an386" in info.value.hint


def test_user_board_folder_is_searched_first(tmp_path, monkeypatch):
    text = (BOARDS_DIR / "nucleo_f401re.toml").read_text()
    (tmp_path / "my_f401.toml").write_text(text.replace('name = "nucleo_f401re"', 'name = "my_f401"')
                                           .replace("ram_bytes = 98_304", "ram_bytes = 65_536"))
    monkeypatch.setenv("MCUGEN_BOARD_PATH", str(tmp_path))
    assert load_board("my_f401").ram_bytes == 65536
    assert "my_f401" in {b.name for b in list_boards()}


def test_malformed_board_file_is_a_board_error(tmp_path, monkeypatch):
    (tmp_path / "broken.toml").write_text('name = "broken"\n')
    monkeypatch.setenv("MCUGEN_BOARD_PATH", str(tmp_path))
    with pytest.raises(BoardError, match="malformed"):
        load_board("broken")


def test_boards_command_lists_memory(capsys):
    assert main(["boards"]) == 0
    out = capsys.readouterr().out
    for name in ("mps2_an386", "riscv32_virt", "esp32", "esp8266", "xtensa_lx106_sim"):
        assert name[:10] in out
    assert "96.0 KiB" in out  # nucleo_f401re RAM


def test_boards_command_json(capsys):
    assert main(["boards", "--json"]) == 0
    boards = {b["name"]: b for b in json.loads(capsys.readouterr().out)}
    assert boards["netduinoplus2"]["ram_bytes"] == 131072
    assert boards["netduinoplus2"]["counter"] == "instructions"
    assert boards["esp32c3"]["emulated"] is False


def test_boards_lists_ram_regions(capsys):
    """`mcugen boards --json` gives every board's RAM regions, fastest first (one, the main RAM,
    for a board file without [[memory.regions]])."""
    import json

    from mcugen.cli import main

    assert main(["--no-progress", "boards", "--json"]) == 0
    boards = {b["name"]: b for b in json.loads(capsys.readouterr().out)}
    assert [r["name"] for r in boards["mps2_an386"]["ram_regions"]] == ["bram", "ssram", "psram"]
    assert [r["section"] for r in boards["mps3_an547"]["ram_regions"]] == [None, ".mg_sram"]
    assert [(r["name"], r["bytes"]) for r in boards["netduinoplus2"]["ram_regions"]] == [("ram", 131_072)]
