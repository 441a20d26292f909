"""Jobs that span stages, over the pipeline: benchmarking a model on a board, building its
firmware first when there is none. The pipeline itself stops at the generated C; the firmware
project stage builds on it, and this module sits above both.
"""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from mcugen.report import Reporter


def bench_model(model: "str | Path | Sequence[str | Path] | None" = None, board: str | None = None, *,
                port: str | None = None, project: str | Path | None = None,
                inputs: "str | Path | Sequence[str | Path] | None" = None, count: int = 10,
                seed: int = 0, timeout: float = 5.0, baud: int | None = None,
                reporter: "Reporter | None" = None, estimate_cycles: bool = False):
    """Benchmark on a board at `port`, or under QEMU when `port` is None: a built `project`, or
    (emulated, no project) `model` built first into bench's content-keyed cache. Returns the
    bench stage's BenchRun; outputs that differ are in it, not raised.

    `model` may be several models: one firmware holding them all (a project built from them, or
    built so into the cache); without models, a project of several benches all of them. `inputs`:
    one file per model benched (or one for a single model)."""
    from mcugen.bench import target as bench_target
    from mcugen.bench.api import BenchSetup, run_bench, samples_for
    from mcugen.boards import load_board
    from mcugen.convert.tflite_reader import read_graph
    from mcugen.elf import elf_sizes
    from mcugen.errors import BoardError, McugenError

    paths = [] if model is None else ([model] if isinstance(model, (str, Path)) else list(model))
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
        if not paths:
            raise McugenError("--emulate needs a model or a built project",
                              hint=f"mcugen bench MODEL.tflite --board {chosen.name} --emulate, or --project DIR")
        from mcugen.project.cache import cached_build

        # int8 .tflite files: the oracle needs what was built
        datas = [bench_target.load_model(p, None)[0] for p in paths]
        info = bench_target.read_project(cached_build(paths, datas, chosen, reporter or _quiet()))
    models = bench_target.load_models(paths, info)
    elf = bench_target.require_elf(info) if emulate else (info.elf if info else None)
    flash = elf_sizes(elf, chosen).flash if elf is not None and elf.is_file() else None
    files = [] if inputs is None else ([inputs] if isinstance(inputs, (str, Path)) else list(inputs))
    if files and len(files) != len(models):
        raise McugenError(f"{len(files)} --inputs file(s) for {len(models)} models",
                          hint="give one --inputs per model benched, in model order, or none (random inputs)")
    samples = [samples_for(read_graph(data, name=name), count, seed + k, files[k] if files else None, reporter)
               for k, (data, name) in enumerate(models)]
    regions = info.ram_regions if info is not None else ()
    (data, name), more = models[0], tuple(models[1:])
    return run_bench(BenchSetup(chosen, elf, data, name, flash, regions, more),
                     samples if more else samples[0], port=port, baud=baud,
                     timeout=timeout, reporter=reporter, estimate_cycles=estimate_cycles)


def _quiet() -> "Reporter":
    from mcugen.report import Reporter

    return Reporter(quiet=True)
