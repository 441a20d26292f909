"""Build the bench firmware for the host (gcc, ASan + UBSan) and start it: the test double of a
board is the real firmware with a socket for a UART (c/host_board.c), nothing mocked."""
from __future__ import annotations

import contextlib
import os
import subprocess
from pathlib import Path
from typing import Iterator

REPO = Path(__file__).resolve().parents[2]
FW = REPO / "firmware"
HOST_C = Path(__file__).resolve().parent / "c"
FLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-O1", "-g",
         "-fsanitize=address,undefined", "-fno-sanitize-recover=all"]
HOOKS = '-DMG_HOOKS_HEADER="mg_bench_hooks.h"'


def build_bench_host(model_dir: Path, out: Path, extra_c: list[Path] = (), hooks: bool = True) -> Path:
    """Compile bench_main.c + protocol + host board glue + the model sources in `model_dir`
    (with the per-layer timing hooks unless `hooks` is False; several models when `model_dir`
    holds their mg_models_table.h)."""
    model_c = sorted(p for p in model_dir.glob("*.c") if p.name != "host_main.c")
    sources = [FW / "app" / "bench_main.c", FW / "bench" / "mg_bench_proto.c",
               HOST_C / "host_board.c", *model_c, *extra_c]
    includes = [model_dir, FW / "include", FW / "bench", FW / "boards" / "include", HOST_C]
    several = ["-DMG_MODELS_TABLE"] if (model_dir / "mg_models_table.h").is_file() else []
    cmd = ["gcc", *FLAGS, *([HOOKS] if hooks else []), *several, *[f"-I{d}" for d in includes], *map(str, sources),
           "-o", str(out)]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    assert proc.returncode == 0 and not proc.stderr.strip(), proc.stderr
    return out


@contextlib.contextmanager
def running(exe: Path, **env: str) -> Iterator[tuple[subprocess.Popen, int]]:
    """Start the host firmware; yields (process, TCP port of its UART); always stops it."""
    proc = subprocess.Popen([str(exe)], stdout=subprocess.PIPE, text=True,
                            env={**os.environ, **env})
    try:
        line = proc.stdout.readline()
        assert line.startswith("PORT "), line
        yield proc, int(line.split()[1])
    finally:
        proc.kill()
        proc.wait()
