"""`mcugen build --run` on every emulated board: PlatformIO offline through the local platform,
firmware under QEMU, outputs bit-exact with tflite-micro on the samples baked into the image."""
from __future__ import annotations

import json
import re

import pytest

from mcugen.boards import load_board
from mcugen.qemu import run_elf

EMULATED = ["mps2_an386", "netduinoplus2", "mps2_an500", "mps3_an547", "riscv32_virt", "microbit", "mps2_an505",
            "xtensa_lx106_sim"]


@pytest.mark.parametrize("board", EMULATED)
def test_hello_world_builds_and_passes_under_qemu(board, hello_builds, capfd):
    status, text, project = hello_builds(board, capfd)
    assert status == 0, text
    assert f"mcugen-selftest: PASS 3/3 samples bit-exact with tflite-micro; board {board};" in text
    # both environments were built, and the summary table compares with the board's limits
    for env in (board, f"{board}_selftest"):
        assert (project / ".pio" / "build" / env / "firmware.elf").is_file()
    assert "RAM: arena" in text and "flash (text + data)" in text
    manifest = json.loads((project / "mcugen.json").read_text())
    assert manifest["board"] == board and manifest["envs"]["selftest"] == f"{board}_selftest"


@pytest.mark.parametrize("board", ["netduinoplus2", "riscv32_virt", "xtensa_lx106_sim"])
def test_instruction_counts_are_exact_and_repeatable(board, hello_builds):
    """TIM2 at 1 GHz virtual and minstret count instructions: two runs agree to the tick."""
    _, _, project = hello_builds(board)
    elf = project / ".pio" / "build" / f"{board}_selftest" / "firmware.elf"
    b = load_board(board)
    first, second = run_elf(b, elf), run_elf(b, elf)
    assert first.passed and second.passed
    ticks = [int(re.search(r"; (\d+) ticks per inference", r.result_line).group(1)) for r in (first, second)]
    assert ticks[0] == ticks[1]
    assert 1000 < ticks[0] < 100_000  # three FULLY_CONNECTED layers of 16 units


def test_pio_upload_target_runs_the_selftest_under_qemu(hello_builds):
    """What the generated platformio.ini promises: `pio run -e <board>_selftest -t upload`."""
    import subprocess

    from mcugen.project import pio_offline

    _, _, project = hello_builds("riscv32_virt")
    proc = subprocess.run([pio_offline.pio_executable(), "run", "-d", str(project), "-e", "riscv32_virt_selftest",
                           "-t", "upload"], env=pio_offline.pio_env(), capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:]
    assert "mcugen-selftest: PASS 3/3 samples bit-exact with tflite-micro; board riscv32_virt" in proc.stdout
