"""Models split over a board's RAM regions run bit-exact under QEMU: on mps2_an386 (block RAM,
SSRAM, PSRAM) and mps3_an547 (DTCM, SRAM), with board files whose main RAM is too small for the
model alone, as on real parts. The build says where the arena went, the bench reports RAM per
region, and the ELF really holds the arena parts in their regions' sections."""
from __future__ import annotations

import json
import re

import pytest

from mcugen.boards import BOARDS_DIR
from tests.faults.conftest import run_mcugen


def _tight(tmp_path, monkeypatch, board: str, ram_bytes: int, stack_bytes: int) -> str:
    """`board` with only `ram_bytes` of main RAM (the linker places the stack there too)."""
    text = (BOARDS_DIR / f"{board}.toml").read_text()
    text = text.replace(f'name = "{board}"', f'name = "{board}_tight"')
    text = re.sub(r"^ram_bytes = [\d_]+", f"ram_bytes = {ram_bytes}", text, count=1, flags=re.M)
    text = re.sub(r"^stack_bytes = [\d_]+", f"stack_bytes = {stack_bytes}", text, count=1, flags=re.M)
    folder = tmp_path / "boards"
    folder.mkdir(exist_ok=True)
    (folder / f"{board}_tight.toml").write_text(text)
    monkeypatch.setenv("MCUGEN_BOARD_PATH", str(folder))
    return f"{board}_tight"


@pytest.mark.slow
@pytest.mark.parametrize("board, model, ram, regions", [
    # IC needs 35,040 B in one arena; 28 KiB of SSRAM (less stack and firmware) cannot hold it:
    # the hottest bytes fill the 16 KiB block RAM, the next the SSRAM, the coldest the PSRAM
    ("mps2_an386", "ic/pretrainedResnet_quant.tflite", 28 * 1024, ("bram", "ssram", "psram")),
    # VWW needs 37,648 B with the mve kernels; 46 KiB of DTCM less the stack and the firmware
    # leaves 35 KiB
    ("mps3_an547", "vww/vww_96_int8.tflite", 46 * 1024, ("dtcm", "sram")),
])
def test_a_model_too_big_for_the_main_ram_runs_split(board, model, ram, regions, shared_models, tmp_path,
                                                      monkeypatch):
    tight = _tight(tmp_path, monkeypatch, board, ram, 8 * 1024)
    fw = tmp_path / "fw"
    proc = run_mcugen("build", str(shared_models / model), "--board", tight, "-o", str(fw), "--run",
                      cwd=tmp_path, timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert "PASS" in proc.stderr and "bit-exact with tflite-micro" in proc.stderr
    plan_line = next(line for line in proc.stderr.splitlines() if "] plan" in line)
    assert all(f"{r} " in plan_line for r in regions), plan_line
    manifest = json.loads((fw / "mcugen.json").read_text())
    used = {r["name"]: r["arena"] for r in manifest["regions"] if r["arena"]}
    assert set(used) == set(regions)
    # the ELF: the main RAM's .bss holds only its part; the other region's section the rest
    from mcugen.boards import load_board
    from mcugen.elf import elf_sizes

    other = next(r for r in load_board(tight).memory_regions if r.section and r.name in used)
    sizes = run_size(fw / ".pio" / "build" / tight / "firmware.elf")
    assert sizes[other.section] >= used[other.name]
    assert elf_sizes(fw / ".pio" / "build" / tight / "firmware.elf", load_board(tight)).ram_static < ram
    out = tmp_path / "bench.json"
    bench = run_mcugen("bench", "--project", str(fw), "--emulate", "-n", "2", "--json", str(out), cwd=tmp_path,
                       timeout=600)
    assert bench.returncode == 0, bench.stderr
    doc = json.loads(out.read_text())
    assert doc["outputs_match"] and {r["name"] for r in doc["ram_regions"]} == set(regions)


def run_size(elf) -> dict[str, int]:
    import subprocess

    out = subprocess.run(["arm-none-eabi-size", "-A", "-d", str(elf)], capture_output=True, text=True,
                         check=True).stdout
    return {p[0]: int(p[1]) for p in (line.split() for line in out.splitlines()) if len(p) == 3 and p[1].isdigit()}
