"""`mcugen build --target micropython`: model -> generated C library -> MicroPython folder.

The folder is written atomically. With a MicroPython source tree (`mpy_dir`, or the environment
variable MCUGEN_MPY_DIR) the natmod is also built, inside the temporary folder, so a failed build
leaves no output behind.
"""
from __future__ import annotations

import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from mcugen import pipeline, procs
from mcugen import __version__
from mcugen.errors import McugenError, ToolchainError
from mcugen.fsutil import atomic_output_dir
from mcugen.ir import Graph
from mcugen.micropython.render import (DEFAULT_RUNS, DEFAULT_SEED, MpyModel, MpyOptions,
                                       check_module_name, render_micropython)
from mcugen.micropython.targets import MpyTarget, resolve_target
from mcugen.project.isa_objects import IsaCheck, check_library
from mcugen.report import Reporter, human_bytes

MANIFEST = "mcugen-micropython.json"  # what `mcugen bench --micropython` reads back
MODEL_COPY = "model.tflite"  # the int8 model the code came from: the bench's oracle runs it
MPY_DIR_ENV = "MCUGEN_MPY_DIR"


@dataclass(frozen=True)
class MpyLibrary:
    """The generated C library, flat: model.h/.c, model_weights.c, kernels, headers (several
    models: each its <prefix>.h/.c/_weights.c, and mg_models.h/.c)."""

    files: dict[str, str]
    prefix: str
    arena_bytes: int
    weight_bytes: int
    models: tuple[MpyModel, ...] = ()  # several models


@dataclass(frozen=True)
class MpyProject:
    out_dir: Path
    module: str
    target: MpyTarget
    arena_bytes: int
    weight_bytes: int
    mpy: Path | None  # the built natmod, when a MicroPython tree was available
    isa: IsaCheck | None = None  # the library compiled for the board's ISA here (Xtensa boards)


def generate_library(graph: Graph | Sequence[Graph], prefix: str | Sequence[str], target: "pipeline.Target",
                     concurrent: bool = False) -> MpyLibrary:
    """The model (or several, one prefix each) generated for the board's kernels and arena
    alignment, with the kernel sources and headers it needs."""
    several = not isinstance(graph, Graph)
    graphs = list(graph) if several else [graph]
    prefixes = list(prefix) if several else [prefix]
    built = pipeline.generate_models(graphs, target, prefixes=prefixes, concurrent=concurrent)
    sources = built.sources
    files = dict(sources.files)
    for path in sources.firmware_paths():
        files[path.name] = path.read_text()
    models = tuple(MpyModel(p, len(g.inputs), len(g.outputs)) for p, g in zip(prefixes, graphs)) if several else ()
    return MpyLibrary(files, sources.prefix, sources.arena_bytes, sources.weight_bytes, models)


def build_micropython(model: str | Path | Sequence[str | Path], board: str, out_dir: str | Path,
                      name: str = "model", calibration: str | Path | None = None,
                      mpy_dir: str | Path | None = None, reporter: Reporter | None = None,
                      force: bool = False, prefixes: Sequence[str] | None = None,
                      concurrent: bool = False) -> MpyProject:
    """Convert `model` if needed and write the MicroPython folder for `board` into `out_dir`.
    Several models make one module `name` holding all of them (C prefixes `prefixes`)."""
    from mcugen.convert.api import stage_count
    from mcugen.fsutil import check_output_dir

    models = [model] if isinstance(model, (str, Path)) else list(model)
    rep = reporter or Reporter(quiet=True)
    target = resolve_target(board)
    check_module_name(name)
    mpy_dir = mpy_dir or os.environ.get(MPY_DIR_ENV) or None
    check_output_dir(out_dir, force, protect=models)
    loads = [stage_count(m) for m in models]
    total = sum(loads) + 1 + bool(mpy_dir)
    converted, step = [], 1
    for m, n in zip(models, loads):
        converted.append(pipeline.load(m, calibration, reporter=rep, steps=(step, total)))
        step += n
    if len(models) == 1:
        return write_micropython(converted[0].tflite, converted[0].graph, target, out_dir, name, mpy_dir,
                                 rep, steps=(step, total), force=force, protect=tuple(models))
    return write_micropython_models([c.tflite for c in converted], [c.graph for c in converted], target,
                                    out_dir, name, list(prefixes or []), concurrent, mpy_dir, rep,
                                    steps=(step, total), force=force, protect=tuple(models))


def write_micropython(tflite: bytes, graph: Graph, target: MpyTarget, out_dir: str | Path,
                      name: str = "model", mpy_dir: str | Path | None = None,
                      reporter: Reporter | None = None, steps: tuple[int, int] = (1, 1),
                      runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED, force: bool = False,
                      protect: tuple = ()) -> MpyProject:
    out_dir = Path(out_dir)
    library = generate_library(graph, name, target.codegen)
    files = render_micropython(library.files, graph.sha256, target,
                               MpyOptions(prefix=name, module=name, build_dir=str(out_dir),
                                          runs=runs, seed=seed))
    manifest = {"mcugen_version": __version__, "module": name, "board": target.board, "arch": target.arch.name,
                "sha256": graph.sha256, "model": MODEL_COPY, "runs": runs, "seed": seed}
    return _write(files, {MODEL_COPY: tflite}, manifest, library, target, out_dir, name, mpy_dir, reporter,
                  steps, force, protect)


def write_micropython_models(tflites: Sequence[bytes], graphs: Sequence[Graph], target: MpyTarget,
                             out_dir: str | Path, module: str = "models", prefixes: Sequence[str] = (),
                             concurrent: bool = False, mpy_dir: str | Path | None = None,
                             reporter: Reporter | None = None, steps: tuple[int, int] = (1, 1),
                             runs: int = DEFAULT_RUNS, seed: int = DEFAULT_SEED, force: bool = False,
                             protect: tuple = ()) -> MpyProject:
    """One module `module` holding several models (mcugen.codegen.models), each its C prefix."""
    from mcugen.codegen.models import default_prefixes

    out_dir = Path(out_dir)
    prefixes = list(prefixes) or default_prefixes([g.name for g in graphs])
    if module in prefixes:
        raise McugenError(f"the module and a model are both named {module!r}",
                          hint="name the module otherwise (--module), or the model (--name)")
    library = generate_library(graphs, prefixes, target.codegen, concurrent)
    sha = ",".join(g.sha256[:16] for g in graphs)
    files = render_micropython(library.files, sha, target,
                               MpyOptions(prefix=module, module=module, build_dir=str(out_dir), runs=runs,
                                          seed=seed, models=library.models, concurrent=concurrent))
    copies = {f"{p}.tflite": t for p, t in zip(prefixes, tflites)}
    manifest = {"mcugen_version": __version__, "module": module, "board": target.board,
                "arch": target.arch.name, "concurrent": concurrent, "runs": runs, "seed": seed,
                "models": [{"prefix": p, "sha256": g.sha256, "model": f"{p}.tflite"}
                           for p, g in zip(prefixes, graphs)]}
    return _write(files, copies, manifest, library, target, out_dir, module, mpy_dir, reporter, steps, force,
                  protect)


def _write(files: dict[str, str], copies: dict[str, bytes], manifest: dict, library: MpyLibrary,
           target: MpyTarget, out_dir: Path, name: str, mpy_dir, reporter, steps, force: bool,
           protect: tuple) -> MpyProject:
    """Write the folder atomically (and build the natmod in it, given a MicroPython tree)."""
    rep = reporter or Reporter(quiet=True)
    step, total = steps
    what = (f"{len(library.models)} models ({', '.join(m.prefix for m in library.models)})"
            if library.models else "")
    rep.stage(step, total, "generate",
              f"MicroPython module {name!r} for {target.board} (natmod {target.arch.name}, "
              f"{target.kernel_variant} kernels){': ' + what if what else ''}: "
              f"weights {human_bytes(library.weight_bytes)}, arena {human_bytes(library.arena_bytes)}")
    heap_needed = library.weight_bytes + library.arena_bytes
    if target.ram_bytes and heap_needed > target.ram_bytes // 2:
        # a natmod lands whole in the MicroPython heap, which rarely gets half the board's RAM
        rep.warn(f"the natmod needs more than {human_bytes(heap_needed)} of MicroPython heap at "
                 f"import (weights and arena are copied into it); {target.board} has "
                 f"{human_bytes(target.ram_bytes)} of RAM in all: build usercmodule/ into the "
                 "firmware instead (weights stay in flash)")
    mpy = None
    with atomic_output_dir(out_dir, force, protect) as tmp:
        for rel, text in files.items():
            path = tmp / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
        for rel, data in copies.items():
            (tmp / rel).write_bytes(data)
        (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        isa = check_natmod_isa(tmp / "natmod", name, target)
        if mpy_dir:
            rep.stage(step + 1, total, "natmod", f"make ARCH={target.arch.name} MPY_DIR={mpy_dir}")
            built = make_natmod(tmp / "natmod", Path(mpy_dir), target)
            mpy = out_dir.resolve() / "natmod" / built.name
    return MpyProject(out_dir, name, target, library.arena_bytes, library.weight_bytes, mpy, isa)


def check_natmod_isa(natmod_dir: Path, module: str, target: MpyTarget) -> IsaCheck | None:
    """The natmod's library (not its MicroPython bindings, which need MicroPython's headers)
    compiled for the board's ISA as py/dynruntime.mk compiles it (-Os, -fno-common; GCC also
    -fpic and the ARCH's flags; LLVM's Xtensa back end has no PIC, and mpy_ld relocates Xtensa
    literal pools itself), and measured: the Xtensa boards (isa_objects)."""
    import tempfile

    board = target.board_file
    if board is None or not board.check_isa:
        return None
    sources = sorted(p for p in natmod_dir.glob("*.c") if p.name != f"{module}_mpy.c")
    flags = ["-Os", "-DNDEBUG", "-fno-common", f"-I{natmod_dir}"]
    if not board.check_llvm_cpu:
        flags += ["-fpic", *target.arch.cflags]
    with tempfile.TemporaryDirectory() as objdir:
        try:
            return check_library(sources, board, flags, Path(objdir))
        except ToolchainError as exc:
            return IsaCheck(exc.message)


def make_natmod(natmod_dir: Path, mpy_dir: Path, target: MpyTarget, timeout: float = 900) -> Path:
    """Run the natmod Makefile; returns the .mpy. Raises ToolchainError with make's output."""
    if not (mpy_dir / "py" / "dynruntime.mk").is_file():
        raise ToolchainError(f"{mpy_dir} is not a MicroPython source tree (no py/dynruntime.mk)",
                             hint=f"point --mpy-dir or {MPY_DIR_ENV} at a clone of micropython/micropython")
    cc = target.arch.cross + "gcc"
    if shutil.which(cc) is None:
        raise ToolchainError(f"{cc} not found: it builds natmods for ARCH={target.arch.name}",
                             hint="install that compiler (ESP-IDF ships xtensa-esp32-elf-gcc), or "
                                  "build usercmodule/ into the firmware instead")
    if shutil.which("make") is None:
        raise ToolchainError("make not found", hint="install GNU make")
    # mpy_ld.py needs pyelftools: use this Python, which has it, not whatever python3 is.
    cmd = ["make", "-C", str(natmod_dir), f"MPY_DIR={mpy_dir.resolve()}", f"PYTHON={sys.executable}"]
    proc = procs.run(cmd, capture_output=True, text=True, timeout=timeout)
    module = natmod_dir / _makefile_module(natmod_dir / "Makefile")
    if proc.returncode != 0 or not module.is_file():
        log = (proc.stdout + proc.stderr)[-3000:]
        raise ToolchainError(f"building the natmod failed:\n{log}",
                             hint="the last lines of make's output are above")
    return module


def _makefile_module(makefile: Path) -> str:
    for line in makefile.read_text().splitlines():
        if line.startswith("MOD = "):
            return line.split("=", 1)[1].strip() + ".mpy"
    raise ToolchainError(f"{makefile} names no module (MOD = ...)", hint="regenerate it with mcugen build")
