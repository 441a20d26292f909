"""The xtensa kernel variant as an Xtensa core runs it: its assembly (the dot-product loops, the
LX106's output stage) checked against the plain C on the emulated LX106, the variant's kernels in
the self-test firmware of xtensa_lx106_sim (every output byte against tflite-micro), and faster
than the portable kernels on the same core."""
from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from mcugen.boards import BOARDS_DIR, load_board
from mcugen.codegen import firmware_dir
from mcugen.project.api import build
from mcugen.project.files import board_config_header
from mcugen.qemu import run_elf

from .test_xtensa_host import _odd_channels
from .test_dsp_host import random_chain
from tests.support.oracle import seeded_model, to_int8

BOARD = "xtensa_lx106_sim"

PROGRAM = r"""
#include <stdint.h>
#include "mg_board.h"
#include "mg_xtensa.h"

static void put(const char *s) { uint32_t n = 0; while (s[n]) n++; mg_board_uart_write((const uint8_t *)s, n); }
static void put_u32(uint32_t v) { char b[11]; int i = 10; b[i] = 0;
    do { b[--i] = (char)('0' + v % 10u); v /= 10u; } while (v); put(&b[i]); }
static uint32_t state = 2463534242u;
static uint32_t rnd(void) { state ^= state << 13; state ^= state >> 17; state ^= state << 5; return state; }

int main(void)
{
    static const int32_t edge_x[] = {0, 1, -1, 32767, -32768, 65535, -65536, 0x7FFFFFFF, (int32_t)0x80000000u,
                                     0x40000000, -0x40000000, 123456789, -987654321};
    static const int32_t edge_m[] = {0, 1, 0x40000000, 0x7FFFFFFF, 0x7FFF0000, 0xFFFF, 1518500250};
    uint32_t bad = 0, n = 0;
    mg_board_init();
    for (int k = 0; k < 100000; ++k) {  /* the output stage against mg_requantize (mg_types.h) */
        int32_t x = (int32_t)rnd(), m = (int32_t)(rnd() & 0x7FFFFFFFu);
        uint32_t rs = rnd() % 32u;
        int32_t off = (int32_t)(rnd() % 256u) - 128, lo = -128 + (int32_t)(rnd() % 8u), hi = 127 - (int32_t)(rnd() % 8u);
        if (k % 3 == 0) x >>= rnd() % 31u;
        if (k < 13 * 7) { x = edge_x[k % 13]; m = edge_m[k / 13]; }
        bad += mg_xt_output(x, m, rs, off, lo, hi) != (int8_t)mg_clamp_i32(mg_requantize(x, m, -(int32_t)rs) + off, lo, hi);
        ++n;
    }
    {  /* the dot-product loop against plain C, odd and even lengths, sums that wrap */
        uint8_t x[67], w[67 * 4];
        for (int i = 0; i < 67; ++i) x[i] = (uint8_t)rnd();
        for (int i = 0; i < 67 * 4; ++i) w[i] = (uint8_t)rnd();
        for (int len = 0; len <= 67; ++len) {
            uint32_t acc[4] = {1u, 2u, 3u, 0xFFFFFFF0u}, want[4] = {1u, 2u, 3u, 0xFFFFFFF0u};
            mg_xt_dot4(x, w, len, acc);
            for (int k = 0; k < len; ++k) for (int j = 0; j < 4; ++j) want[j] += (uint32_t)x[k] * w[4 * k + j];
            for (int j = 0; j < 4; ++j) bad += acc[j] != want[j];
            n += 4;
        }
    }
    put("checked "); put_u32(n); put(" bad "); put_u32(bad); put("\n");
    return bad != 0;
}
"""


def test_assembly_equals_the_c_reference_on_the_lx106(tmp_path):
    board = load_board(BOARD)
    glue = firmware_dir() / "boards"
    (tmp_path / "mg_board_config.h").write_text(board_config_header(board))
    (tmp_path / "main.c").write_text(PROGRAM)
    elf = tmp_path / "t.elf"
    sources = [tmp_path / "main.c", *sorted((glue / "xtensa_sim").glob("*.[cS]"))]
    cmd = [f"{board.toolchain_prefix}gcc", *board.cflags, *board.ldflags, "-std=c99", "-O2", "-Wall", "-Wextra",
           "-Werror", f"-I{tmp_path}", f"-I{glue / 'include'}", f"-I{firmware_dir() / 'include'}",
           *map(str, sources), "-T", str(glue / board.ldscript), "-o", str(elf)]
    built = subprocess.run(cmd, capture_output=True, text=True)
    assert built.returncode == 0, built.stderr
    result = run_elf(board, elf, timeout=60)
    assert result.exit_status == 0 and "checked 100272 bad 0" in result.console, result.console


@pytest.mark.slow
@pytest.mark.parametrize("name", ["chain", "odd_channels"])
def test_random_layers_bit_exact_on_the_lx106(name, tmp_path):
    assert load_board(BOARD).kernel_variant == "xtensa"
    path = tmp_path / f"{name}.tflite"
    if name == "chain":
        path.write_bytes(random_chain(seed=2))
    else:
        model, rng = seeded_model(_odd_channels, (13, 11, 3), 7)
        path.write_bytes(to_int8(model, rng=rng, low=-3, high=3))
    result = build(path, BOARD, tmp_path / "fw", run=True, selftest_only=True)
    assert result.run is not None and result.run.passed, result.run and result.run.console
    sources = {p.name for p in (tmp_path / "fw" / "src").iterdir()}
    assert {"conv_2d_xtensa_s8.c", "depthwise_conv_2d_xtensa_s8.c", "fully_connected_xtensa_s8.c",
            "add_xtensa_s8.c"} <= sources


@pytest.mark.slow
def test_kws_xtensa_beats_portable_on_the_lx106(shared_models, tmp_path, monkeypatch):
    model = shared_models / "kws/kws_ref_model.tflite"
    fast = build(model, BOARD, tmp_path / "xtensa", run=True, selftest_only=True)
    boards = tmp_path / "boards"  # the same board with the portable kernels, as a user's board file
    boards.mkdir()
    text = (BOARDS_DIR / f"{BOARD}.toml").read_text()
    (boards / "lx106_portable.toml").write_text(
        text.replace(f'name = "{BOARD}"', 'name = "lx106_portable"')
        .replace('kernel_variant = "xtensa"', 'kernel_variant = "portable"'))
    monkeypatch.setenv("MCUGEN_BOARD_PATH", str(boards))
    slow = build(model, "lx106_portable", tmp_path / "portable", run=True, selftest_only=True)
    assert fast.run.passed and slow.run.passed
    fast_n, slow_n = (r.run.instructions_per_inference(1_000_000_000) for r in (fast, slow))
    print(f"kws on {BOARD}: xtensa {fast_n:,} vs portable {slow_n:,} instructions per inference")
    assert fast_n < slow_n / 1.8


@pytest.mark.slow
def test_esp8266_build_flags_run_bit_exact_on_the_lx106(shared_models, tmp_path, monkeypatch):
    """The esp8266 board's flags (every byte load a 32-bit load, the constants in .irom.text.*,
    the xtensa kernels' word-load paths) on the emulated LX106, which runs the same core."""
    esp8266 = load_board("esp8266")
    boards = tmp_path / "boards"
    boards.mkdir()
    flags = ", ".join(f'"{flag}"' for flag in esp8266.pio_build_flags)
    text = (BOARDS_DIR / f"{BOARD}.toml").read_text()
    (boards / "lx106_esp8266_flags.toml").write_text(
        text.replace(f'name = "{BOARD}"', 'name = "lx106_esp8266_flags"')
        .replace('framework = ""', f'framework = ""\nbuild_flags = [{flags}]'))
    monkeypatch.setenv("MCUGEN_BOARD_PATH", str(boards))
    result = build(shared_models / "kws/kws_ref_model.tflite", "lx106_esp8266_flags", tmp_path / "fw", run=True,
                   selftest_only=True)
    assert result.run.passed, result.run.console
    weights = next((tmp_path / "fw" / ".pio").rglob("model_weights.o"))
    sections = subprocess.run(["xtensa-lx106-elf-objdump", "-h", str(weights)], capture_output=True, text=True).stdout
    assert ".irom.text.mg_const" in sections and ".rodata" not in sections
