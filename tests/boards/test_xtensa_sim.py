"""xtensa_lx106_sim's counter: ICOUNT counts every executed instruction, also across its wrap at
2^32 (a debug exception the start-up code handles), the console works both ways through semihosting
(QEMU's own stdin and stdout), and the board's own libgcc helpers round floats as an FPU does."""
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


SOFT_FLOAT_CHECK = r"""
#include <stdint.h>
#include <stdio.h>
#include <string.h>
float mg_addsf3(float, float); float mg_subsf3(float, float); float mg_mulsf3(float, float); float mg_floatsisf(int32_t);
static uint64_t s = 88172645463325252ull;
static uint32_t rnd(void) { s ^= s << 13; s ^= s >> 7; s ^= s << 17; return (uint32_t)s; }
static uint32_t bits(float x) { uint32_t u; memcpy(&u, &x, 4); return u; }
static float num(uint32_t u) { float x; memcpy(&x, &u, 4); return x; }
static int same(float x, float y) {  /* any NaN equals any NaN */
    uint32_t a = bits(x), c = bits(y);
    return ((a & 0x7fffffffu) > 0x7f800000u && (c & 0x7fffffffu) > 0x7f800000u) || a == c; }
static uint32_t pick(void) {  /* subnormals, infinities, zeros, nearby exponents, anything */
    uint32_t r = rnd();
    switch (rnd() % 8) { case 0: return r & 0x807FFFFFu; case 1: return (r & 0x80000000u) | 0x7F800000u;
                         case 2: return r & 0x80000000u; case 3: return (r & 0x83FFFFFFu) | ((rnd() % 30 + 110) << 23);
                         default: return r; } }
int main(void) {
    long bad = 0;
    for (long t = 0; t < 2000000; t++) {
        float x = num(pick()), y = num(pick());
        if (t % 4 == 0) y = num((bits(x) & 0xFF800000u) ^ (rnd() & 0x807FFFFFu));  /* cancellation */
        int32_t i = (int32_t)rnd();
        if (t & 1) i >>= rnd() % 31;
        bad += !same(mg_addsf3(x, y), x + y) + !same(mg_subsf3(x, y), x - y) + !same(mg_mulsf3(x, y), x * y)
               + !same(mg_floatsisf(i), (float)i);
    }
    printf("bad %ld\n", bad);
    return bad != 0;
}
"""


def test_soft_float_helpers_round_as_the_host_fpu(tmp_path):
    """The sim's own IEEE-754 add/sub/mul/int->float (Debian's lx106 libgcc has none), built for
    the host under their own names, against the host's FPU on 8 million operations."""
    (tmp_path / "check.c").write_text(SOFT_FLOAT_CHECK)
    names = ["__addsf3", "__subsf3", "__mulsf3", "__floatsisf", "__udivsi3", "__umodsi3", "__divsi3", "__muldi3"]
    renames = [f"-D{n}=mg_{n.lstrip('_')}" for n in names]
    exe = tmp_path / "check"
    built = subprocess.run(["gcc", "-std=c99", "-O2", "-ffp-contract=off", "-fno-builtin", "-fsanitize=undefined",
                            "-fno-sanitize-recover", *renames, str(tmp_path / "check.c"),
                            str(GLUE / "xtensa_sim" / "lx106_libgcc.c"), "-o", str(exe)], capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    run = subprocess.run([str(exe)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout.strip() == "bad 0", run.stdout + run.stderr


@pytest.mark.slow
def test_float_io_model_runs_bit_exact(tmp_path):
    """QUANTIZE float -> int8 and DEQUANTIZE back run on the sim's soft-float helpers."""
    from mcugen.project.api import build
    from tests.support.oracle import seeded_model, to_int8

    def dense(k, x):
        return k.layers.Dense(3)(k.layers.Dense(8, activation="relu")(x))

    model, rng = seeded_model(dense, (6,), seed=3)
    path = tmp_path / "float_io.tflite"
    path.write_bytes(to_int8(model, float_io=True, rng=rng))
    result = build(path, "xtensa_lx106_sim", tmp_path / "fw", run=True, selftest_only=True)
    assert result.run.passed, result.run.console
