"""The emulated boards' glue on its own, compiled straight with the board's compiler and flags (no
PlatformIO) and run under QEMU: console output, exit status passed through semihosting, a counter
that counts the work done, and a fault that ends the run instead of hanging it."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from mcugen.boards import load_board
from mcugen.project.files import board_config_header
from mcugen.qemu import run_elf

GLUE = Path(__file__).resolve().parents[2] / "firmware" / "boards"
EMULATED = ["mps2_an386", "netduinoplus2", "mps2_an500", "mps3_an547", "riscv32_virt", "microbit", "mps2_an505",
            "xtensa_lx106_sim"]

PROGRAM = r"""
#include <stdint.h>
#include "mg_board.h"

static void put(const char *s) { uint32_t n = 0; while (s[n]) n++; mg_board_uart_write((const uint8_t *)s, n); }
static void put_u32(uint32_t v) { char b[11]; int i = 10; b[i] = 0;
    do { b[--i] = (char)('0' + v % 10u); v /= 10u; } while (v); put(&b[i]); }
static uint32_t work(uint32_t n) { volatile uint32_t x = 0; for (uint32_t i = 0; i < n; i++) x += i; return x; }

int main(void)
{
    mg_board_init();
    put("hello from "); put(mg_board_name); put("\n");
    uint32_t t0 = mg_board_counter_read(); work(10000); uint32_t t1 = mg_board_counter_read();
    work(100000); uint32_t t2 = mg_board_counter_read();
    put("ticks "); put_u32(t1 - t0); put(" "); put_u32(t2 - t1); put("\n");
    uint8_t *lo, *hi; mg_board_stack_region(&lo, &hi);
    uint8_t here = 0;
    put(lo < &here && &here < hi ? "stack ok\n" : "stack wrong\n");
#ifdef MG_TEST_FAULT
    ((void (*)(void))(uintptr_t)0xFFFFFFF0u)();
#endif
    return 3;
}
"""


def _build(board_name: str, tmp: Path, fault: bool) -> Path:
    board = load_board(board_name)
    (tmp / "mg_board_config.h").write_text(board_config_header(board))
    (tmp / "main.c").write_text(PROGRAM)
    sources = [tmp / "main.c"]
    for folder in board.glue:
        sources += sorted((GLUE / folder).glob("*.c")) + sorted((GLUE / folder).glob("*.S"))
    ldscript = GLUE / board.ldscript
    elf = tmp / "glue.elf"
    cc = f"{board.toolchain_prefix}gcc"
    objects = []
    for src in sources:  # compile and link apart, as PlatformIO does (RV32 links with another -march)
        obj = tmp / f"{src.parent.name}_{src.stem}.o"
        cmd = [cc, *board.cflags, "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-I", str(tmp),
               "-I", str(GLUE / "include"), *(["-DMG_TEST_FAULT"] if fault else []), "-c", str(src), "-o", str(obj)]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        objects.append(str(obj))
    cmd = [cc, *board.cflags, *board.ldflags, *objects, "-L", str(ldscript.parent), "-L", str(GLUE / "cortexm"),
           "-T", str(ldscript), "-o", str(elf)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return elf


@pytest.mark.parametrize("board_name", EMULATED)
def test_glue_console_counter_stack_and_exit_status(board_name, tmp_path):
    board = load_board(board_name)
    result = run_elf(board, _build(board_name, tmp_path, fault=False), timeout=30)
    assert result.exit_status == 3, result.console
    assert f"hello from {board_name}\n" in result.console.replace("\r", "")
    assert "stack ok" in result.console
    small, large = map(int, re.search(r"ticks (\d+) (\d+)", result.console).groups())
    # ten times the loop is about ten times the count (timers tick every 31-40 instructions)
    assert 9.0 < large / small < 11.0, (small, large)
    instructions = large * 1_000_000_000 // board.counter_hz
    assert 300_000 < instructions < 1_500_000  # 100000 iterations of a 3-15 instruction loop


@pytest.mark.parametrize("board_name", EMULATED)
def test_a_fault_ends_the_run_with_status_70(board_name, tmp_path):
    result = run_elf(load_board(board_name), _build(board_name, tmp_path, fault=True), timeout=30)
    assert result.exit_status == 70, result.console
