"""Flash a firmware image occupies: every allocated section with contents (code, constants,
initial values of data), read from the ELF with pyelftools."""
from __future__ import annotations

from pathlib import Path

from elftools.elf.constants import SH_FLAGS
from elftools.elf.elffile import ELFFile


def flash_bytes(elf: str | Path) -> int:
    with open(elf, "rb") as f:
        total = 0
        for section in ELFFile(f).iter_sections():
            if section["sh_flags"] & SH_FLAGS.SHF_ALLOC and section["sh_type"] != "SHT_NOBITS":
                total += section["sh_size"]
        return total
