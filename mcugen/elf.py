"""Section sizes of a linked firmware ELF: flash (code, constants, initial data) and static RAM.

Used where firmware is built (the project stage's size table) and where it runs (the bench's
flash figure), so it belongs to neither.
"""
from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path

from mcugen import procs
from mcugen.boards import Board
from mcugen.errors import ToolchainError

# section name prefixes that occupy flash (.data is both: its initial values live in flash)
_FLASH_SECTIONS = (".text", ".rodata", ".srodata", ".ARM.exidx", ".data", ".sdata", ".vectors")
_RAM_SECTIONS = (".data", ".sdata", ".bss", ".sbss")


@dataclass(frozen=True)
class Sizes:
    flash: int  # text + rodata + initialised data
    ram_static: int  # data + bss (the arena is in bss)

    def ram_other(self, arena_bytes: int) -> int:
        return max(self.ram_static - arena_bytes, 0)


def elf_sizes(elf: Path, board: Board) -> Sizes:
    """Section sizes of `elf` by `<prefix>size -A`."""
    tool = f"{board.toolchain_prefix}size"
    try:
        out = procs.run([tool, "-A", "-d", str(elf)], capture_output=True, text=True,
                        check=True).stdout
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ToolchainError(f"could not read section sizes of {elf} with {tool}: {exc}") from exc
    flash = ram = 0
    for line in out.splitlines():
        parts = line.split()
        if len(parts) != 3 or not parts[1].isdigit():
            continue
        name, size = parts[0], int(parts[1])
        if name.startswith(_FLASH_SECTIONS):
            flash += size
        if name.startswith(_RAM_SECTIONS):
            ram += size
    return Sizes(flash, ram)
