"""A bare test program for an emulated Cortex-M board: your C file(s) with `int main(void)` plus
the board's glue (start-up, UART, counter, semihosting exit), compiled with the board's flags and
linker script and run under QEMU. main's return value is QEMU's exit status.

    status, console = run_bare("mps3_an547", [check_c], [firmware_dir() / "include"], tmp_path)
"""
from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Sequence

from mcugen.boards import load_board
from mcugen.codegen import firmware_dir
from mcugen.project.files import board_config_header
from mcugen.qemu import qemu_command, require_qemu


def build_bare(board_name: str, sources: Sequence[Path], include_dirs: Sequence[Path], workdir: Path) -> Path:
    board = load_board(board_name)
    boards = firmware_dir() / "boards"
    workdir.mkdir(parents=True, exist_ok=True)
    (workdir / "mg_board_config.h").write_text(board_config_header(board))
    glue = [f for folder in board.glue for f in sorted((boards / folder).iterdir()) if f.suffix in (".c", ".S")]
    ld_dirs = sorted({(boards / board.ldscript).parent, *(boards / folder for folder in board.glue)})
    elf = workdir / "bare.elf"
    cmd = [f"{board.toolchain_prefix}gcc", *board.cflags, "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror",
           f"-I{workdir}", f"-I{boards / 'include'}", *(f"-I{d}" for d in include_dirs),
           *map(str, sources), *map(str, glue), *board.ldflags, *(f"-L{d}" for d in ld_dirs),
           f"-T{boards / board.ldscript}", f"-Wl,--defsym=__mg_stack_bytes={board.stack_bytes}", "-o", str(elf)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    return elf


def run_bare(board_name: str, sources: Sequence[Path], include_dirs: Sequence[Path], workdir: Path,
             timeout: float = 300) -> tuple[int, str]:
    """(exit status, console output) of the program under QEMU."""
    board = load_board(board_name)
    elf = build_bare(board_name, sources, include_dirs, workdir)
    require_qemu(board)
    proc = subprocess.run(qemu_command(board, elf), capture_output=True, text=True, timeout=timeout)
    return proc.returncode, proc.stdout + proc.stderr
