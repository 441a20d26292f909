"""xtensa_lx106_sim's counter: ICOUNT counts every executed instruction, also across its wrap at
2^32 (a debug exception the start-up code handles), and the console works both ways through
semihosting (QEMU's own stdin and stdout)."""
from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from mcugen.boards import load_board
from mcugen.errors import ToolchainError
from mcugen.project.files import board_config_header
from mcugen.qemu import qemu_command

GLUE = Path(__file__).resolve().parents[2] / "firmware" / "boards"

PROGRAM = r"""
#include <stdint.h>
#include "mg_board.h"

extern volatile uint32_t mg_icount_state[2];
static void put(const char *s) { uint32_t n = 0; while (s[n]) n++; mg_board_uart_write((const uint8_t *)s, n); }
static void put_u32(uint32_t v) { char b[11]; int i = 10; b[i] = 0;
    do { b[--i] = (char)('0' + v % 10u); v /= 10u; } while (v); put(&b[i]); }

/* exactly 2 instructions per iteration */
static uint32_t loop(uint32_t n)
{
    uint32_t t0 = mg_board_counter_read();
    __asm__ volatile("1: addi %0, %0, -1\n\tbnez %0, 1b" : "+r"(n));
    return mg_board_counter_read() - t0;
}

int main(void)
{
    mg_board_init();
    put("echo ");
    for (int i = 0; i < 3; i++) { uint8_t c = (uint8_t)mg_board_uart_read_byte(); mg_board_uart_write(&c, 1); }
    put("\n");
    for (uint32_t k = 0; k < 4; k++) {
        if (k >= 2) {  /* start close to the wrap: the loop crosses 2^32 */
            uint32_t near = 0xFFFFFFFFu - 5000u * k;
            __asm__ volatile("wsr.icount %0\n\tisync" : : "r"(near));
        }
        put("n=1000 "); put_u32(loop(1000)); put(" n=10000 "); put_u32(loop(10000));
        put(" wraps "); put_u32(mg_icount_state[0]); put("\n");
    }
    return 0;
}
"""


def test_icount_is_exact_across_wraps_and_the_console_reads(tmp_path):
    board = load_board("xtensa_lx106_sim")
    (tmp_path / "mg_board_config.h").write_text(board_config_header(board))
    (tmp_path / "main.c").write_text(PROGRAM)
    sources = [tmp_path / "main.c", *sorted((GLUE / "xtensa_sim").glob("*.[cS]"))]
    elf = tmp_path / "t.elf"
    cmd = [f"{board.toolchain_prefix}gcc", *board.cflags, *board.ldflags, "-O2", "-Wall", "-Werror",
           f"-I{tmp_path}", f"-I{GLUE / 'include'}", *map(str, sources), "-T", str(GLUE / board.ldscript),
           "-o", str(elf)]
    built = subprocess.run(cmd, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    run = subprocess.run(qemu_command(board, elf), input=b"abc", capture_output=True, timeout=30)
    out = run.stdout.decode()
    assert run.returncode == 0, out + run.stderr.decode()
    assert "echo abc\n" in out
    lines = re.findall(r"n=1000 (\d+) n=10000 (\d+) wraps (\d+)", out)
    assert len(lines) == 4, out
    for small, large, _ in lines:
        assert int(large) - int(small) == 2 * 9000  # to the instruction
    assert len({line[:2] for line in lines}) == 1  # the same with or without a wrap in between
    assert [int(line[2]) for line in lines] == [0, 0, 1, 2]  # the wraps happened (and were counted)


def test_qemu_command_takes_the_console_from_semihosting():
    board = load_board("xtensa_lx106_sim")
    argv = qemu_command(board, "fw.elf")
    assert argv[:5] == ["qemu-system-xtensa", "-M", "sim", "-cpu", "lx106"]
    assert "-chardev" not in argv  # a stdio chardev would take the bytes the guest reads
    assert argv[argv.index("-serial") + 1] == "none"
    assert argv[argv.index("-semihosting-config") + 1] == "enable=on,target=native"
    with pytest.raises(ToolchainError, match="no UART"):
        qemu_command(board, "fw.elf", port=4321)
