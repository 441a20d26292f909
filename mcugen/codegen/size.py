"""How big the generated library is on a Cortex-M4: compile each file with arm-none-eabi-gcc -Os
and read the sections with arm-none-eabi-size (Berkeley format: text includes .rodata)."""
from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mcugen import procs
from mcugen.errors import ToolchainError

CORTEX_M4 = ("-Os", "-mcpu=cortex-m4", "-mthumb", "-std=c99", "-Wall", "-Wextra", "-Werror",
             "-ffunction-sections", "-fdata-sections")


@dataclass(frozen=True)
class SizeReport:
    weights_bytes: int  # constant data the generator emitted (weights, biases, multipliers, tables)
    code_bytes: int  # .text of model.c + kernels (the inference code, without weights)
    weights_text_bytes: int  # .text+.rodata of model_weights.c as compiled
    arena_bytes: int
    per_file: tuple[tuple[str, int, int, int], ...]  # (file, text, data, bss)

    @property
    def flash_bytes(self) -> int:
        return self.code_bytes + self.weights_text_bytes


def _size(obj: Path, tool: str) -> tuple[int, int, int]:
    proc = procs.run([tool, str(obj)], capture_output=True, text=True)
    if proc.returncode != 0:
        raise ToolchainError(f"{tool} failed: {proc.stderr.strip()}")
    fields = proc.stdout.strip().splitlines()[-1].split()
    return int(fields[0]), int(fields[1]), int(fields[2])


def cortex_m4_size(library_dir: str | Path, c_files: list[str], weight_bytes: int, arena_bytes: int,
                   prefix: str = "arm-none-eabi-", weight_files: tuple[str, ...] = ("model_weights.c",)
                   ) -> SizeReport:
    """Compile every C file of a written library for Cortex-M4 (-Os) and sum the sections
    (`weight_files` hold the constants; every other file counts as code)."""
    cc, size = f"{prefix}gcc", f"{prefix}size"
    for tool in (cc, size):
        if shutil.which(tool) is None:
            raise ToolchainError(f"{tool} not found (needed for the code-size report)",
                                 hint="run ./dev setup, or pass --no-size")
    library_dir = Path(library_dir)
    rows, code, weights_text = [], 0, 0
    with tempfile.TemporaryDirectory(prefix="mcugen-size-") as tmp:
        for name in c_files:
            obj = Path(tmp) / (Path(name).stem + ".o")
            proc = procs.run([cc, *CORTEX_M4, f"-I{library_dir}", "-c", str(library_dir / name),
                              "-o", str(obj)], capture_output=True, text=True)
            if proc.returncode != 0 or proc.stderr.strip():
                raise ToolchainError(f"{cc} failed on {name}:\n{proc.stderr[-3000:]}",
                                     hint="this is a bug in mcugen's code generator or kernels")
            text, data, bss = _size(obj, size)
            rows.append((Path(name).name, text, data, bss))
            if Path(name).name in weight_files:
                weights_text += text + data
            else:
                code += text + data
    return SizeReport(weight_bytes, code, weights_text, arena_bytes, tuple(rows))
