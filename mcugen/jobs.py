"""Jobs that span stages, over the pipeline: benchmarking a model on a board, building its
firmware first when there is none. The pipeline itself stops at the generated C; the firmware
project stage builds on it, and this module sits above both.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mcugen.report import Reporter


def bench_model(model: str | Path | None = None, board: str | None = None, *, port: str | None = None,
                project: str | Path | None = None, inputs: str | Path | None = None, count: int = 10,
                seed: int = 0, timeout: float = 5.0, baud: int | None = None,
                reporter: "Reporter | None" = None, estimate_cycles: bool = False):
    """Benchmark on a board at `port`, or under QEMU when `port` is None: a built `project`, or
    (emulated, no project) `model` built first into bench's content-keyed cache. Returns the
    bench stage's BenchRun; outputs that differ are in it, not raised."""
    from mcugen.bench import target as bench_target
    from mcugen.bench.api import BenchSetup, run_bench, samples_for
    from mcugen.boards import load_board
    from mcugen.convert.tflite_reader import read_graph
    from mcugen.elf import elf_sizes
    from mcugen.errors import BoardError, McugenError

    emulate = port is None
    info = bench_target.read_project(project) if project else None
    if info is not None:
        chosen = bench_target.project_board(info, board)
    elif board:
        chosen = load_board(board)
    else:
        raise McugenError("no board to bench on", hint="give --board B, or --project DIR of a built project")
    if estimate_cycles:  # refuse a core without a timing table before building anything
        from mcugen.bench.timing import core_timing

        core_timing(chosen.core)
    if emulate and not chosen.emulated:
        raise BoardError(f"{chosen.name} is a real board; QEMU cannot emulate it",
                         hint="connect it and use --port, or pick an emulated board (mcugen boards)")
    if emulate and info is None:
        if not model:
            raise McugenError("--emulate needs a model or a built project",
                              hint=f"mcugen bench MODEL.tflite --board {chosen.name} --emulate, or --project DIR")
        from mcugen.project.cache import cached_build

        data, _ = bench_target.load_model(model, None)  # an int8 .tflite: the oracle needs what was built
        info = bench_target.read_project(cached_build(model, data, chosen, reporter or _quiet()))
    data, name = bench_target.load_model(model, info)
    elf = bench_target.require_elf(info) if emulate else (info.elf if info else None)
    flash = elf_sizes(elf, chosen).flash if elf is not None and elf.is_file() else None
    samples = samples_for(read_graph(data, name=name), count, seed, inputs, reporter)
    regions = info.ram_regions if info is not None else ()
    return run_bench(BenchSetup(chosen, elf, data, name, flash, regions), samples, port=port, baud=baud,
                     timeout=timeout, reporter=reporter, estimate_cycles=estimate_cycles)


def _quiet() -> "Reporter":
    from mcugen.report import Reporter

    return Reporter(quiet=True)
