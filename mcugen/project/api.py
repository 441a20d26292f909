"""`mcugen build` as one call: model file -> PlatformIO project -> firmware -> (QEMU self-test).

Stages: load/convert, lower, plan, fit check (before anything is written), generate (code and
tflite-micro's expected outputs for the self-test), project (atomic), compile, run.
"""
from __future__ import annotations

import shlex
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Sequence

from mcugen.boards import Board, load_board
from mcugen.convert.quant_report import QuantReport
from mcugen.elf import Sizes, elf_sizes
from mcugen.errors import BoardError, DeviceError, McugenError, ToolchainError
from mcugen.project import pio
from mcugen.project.files import (Project, ProjectModel, build_flags, selftest_data, selftest_sample_count,
                                  write_models_project)
from mcugen.project.fit import (FitEstimate, MeasuredFit, check_fit, check_measured_fit, fit_warnings,
                                weight_bytes)
from mcugen.project.isa_objects import IsaCheck, ObjectReport, check_project
from mcugen.qemu import QemuResult, run_elf
from mcugen.report import Reporter, human_bytes


@dataclass(frozen=True)
class BuildResult:
    project: Project
    estimate: FitEstimate
    arena_bytes: int
    sizes: dict[str, Sizes]  # env -> sizes of its ELF (empty when not compiled here)
    compiled: bool
    run: QemuResult | None = None
    next_steps: tuple[str, ...] = ()
    quantization: QuantReport | None = None  # float vs int8, for a Keras/SavedModel source
    state_bytes: int = 0  # persistent state of recurrent layers, beside the arena
    regions: tuple[RegionUse, ...] = ()  # per RAM region: the plan's bytes there (boards with regions)
    separate_arena_bytes: int = 0  # several models: their arenas each on its own (the sum)
    concurrent: bool = False  # several models built to run at the same time (disjoint arena bytes)
    weights_ram_bytes: int = 0  # weights copied to the fastest RAM (--weights-in-ram)
    objects: ObjectReport | None = None  # real boards: the sources compiled for the ISA, measured
    measured: MeasuredFit | None = None  # the fit check from those objects


@dataclass(frozen=True)
class RegionUse:
    """What the plan puts in one RAM region of the board."""

    name: str
    section: str  # "" = the main RAM (.bss, with the firmware's data and the stack)
    size: int  # the region's bytes
    arena: int  # arena bytes placed there
    state: int  # persistent state bytes placed there
    buffers: int  # buffers (tensor groups and scratch) placed there
    weights: int = 0  # weights copied there (--weights-in-ram: the fastest region)


def region_uses(plan, board: Board, copied: int = 0) -> tuple[RegionUse, ...]:
    """The plan (an ArenaPlan, or several models' CombinedPlan) per region of `board` (empty for
    a board without [[memory.regions]]); `copied` bytes of weights sit in the fastest region."""
    from mcugen.arena.combined import CombinedPlan, combine

    if not isinstance(plan, CombinedPlan):
        plan = combine([plan])
    if not plan.regions:
        return ()
    counts: dict[str, int] = {}
    for own in plan.plans:
        for b in own.buffers:
            area = own.area_of(b.offset)
            counts[area.name] = counts.get(area.name, 0) + 1
    fastest = board.memory_regions[0].name
    return tuple(RegionUse(r.name, r.section, r.size, plan.region_sizes.get(r.name, 0), plan.state_in(r.name),
                           counts.get(r.name, 0), copied if r.name == fastest else 0)
                 for r in board.memory_regions)


def buffer_placement(plan) -> list[dict]:
    """Every buffer of a plan over RAM regions: its region, offset there, bytes, steps and tensors."""
    out = []
    for b in plan.buffers:
        area = plan.area_of(b.offset)
        out.append({"buffer": b.key, "region": area.name, "offset": b.offset - area.start, "bytes": b.size,
                    "first": b.first, "last": b.last, "tensors": list(b.tensors)})
    return out


def spilled_buffers(graph, plan) -> list[str]:
    """One line per region beyond the fastest used one, naming the buffers placed there: what a
    split plan put in slower memory."""
    from mcugen.arena.plot import buffer_label

    lines = []
    for area in plan.regions[1:]:
        inside = [b for b in plan.buffers if area.holds(b.offset)]
        lines.append(f"  in {area.name}: " + ", ".join(f"{buffer_label(graph, b)} ({human_bytes(b.size)})"
                                                    for b in sorted(inside, key=lambda b: -b.size)))
    return lines


def _ram_planned(plan, board: Board, copied: int = 0) -> int:
    """The main RAM the (combined) plan takes: the arena and, beside it, the persistent state and
    the weights copied to RAM (over several regions, only their parts in the main RAM; the
    planner keeps the others within their size)."""
    uses = region_uses(plan, board, copied)
    if not uses:
        return int(plan.size) + int(plan.state_size) + copied
    return sum(u.arena + u.state + u.weights for u in uses if not u.section)


def build(model: str | Path, board_name: str, out_dir: str | Path | None = None,
          calibration: str | Path | None = None, prefix: str = "model", inplace: bool = True,
          compile_mode: str = "auto", run: bool = False, reporter: Reporter | None = None,
          command_line: str = "", selftest_only: bool = False, force: bool = False,
          weights_in_ram: int = 0) -> BuildResult:
    """Everything `mcugen build` does. `compile_mode`: "auto" (emulated boards always; real boards
    when PlatformIO can get their platform), "yes" (always try), "no" (render only).
    `selftest_only` compiles just the self-test environment (half the compile time).

    The project is written and compiled in a temporary folder beside `out_dir`, which it
    replaces only when complete: an interrupted build leaves nothing, a compiler failure leaves
    the complete sources and the log (to read the error), and `out_dir` is checked before any
    work (fsutil.check_output_dir: never a folder mcugen did not make, unless `force`)."""
    return build_models([model], board_name, out_dir, calibration, [prefix], inplace, False, compile_mode,
                        run, reporter, command_line, selftest_only, force, weights_in_ram)


def build_models(models: Sequence[str | Path], board_name: str, out_dir: str | Path | None = None,
                 calibration: str | Path | None = None, prefixes: Sequence[str] | None = None,
                 inplace: bool = True, concurrent: bool = False, compile_mode: str = "auto", run: bool = False,
                 reporter: Reporter | None = None, command_line: str = "", selftest_only: bool = False,
                 force: bool = False, weights_in_ram: int = 0) -> BuildResult:
    """`build` for one or several models in one firmware (mcugen.codegen.models): each model its
    own C API, one kernel library, one memory plan (shared by models run one after another, or
    disjoint: `concurrent`); the fit check counts the combined plan and every model's weights,
    the self-test and the bench exercise every model. `prefixes`: one per model (default: "model"
    for one, the file names made C identifiers for several)."""
    from mcugen import pipeline
    from mcugen.codegen import check_prefix
    from mcugen.codegen.models import default_prefixes
    from mcugen.convert.api import stage_count
    from mcugen.fsutil import atomic_output_dir, check_output_dir

    rep = reporter or Reporter(quiet=True)
    board = load_board(board_name)
    several = len(models) > 1
    prefixes = list(prefixes) if prefixes else (default_prefixes([Path(m).stem for m in models]) if several
                                                else ["model"])
    for prefix in prefixes:
        check_prefix(prefix)
    if several and weights_in_ram:
        raise McugenError("--weights-in-ram copies one model's weights; it does not take several models yet",
                          hint="build the models without it, or one model with it")
    if several and calibration is not None:
        raise McugenError("--calibration converts one model; several models are built from their int8 files",
                          hint="convert each first: mcugen convert MODEL -c DATA")
    if run and not board.emulated:  # say so before converting and compiling for nothing
        raise BoardError(f"--run runs the self-test under QEMU; {board.name} is a real board",
                         hint=f"build it, then flash the {board.name}_selftest env: "
                              f"pio run -e {board.name}_selftest -t upload -t monitor")
    out = Path(out_dir) if out_dir else Path("_".join(Path(m).stem for m in models) + f"_{board.name}")
    check_output_dir(out, force, protect=models)
    loads = [stage_count(m) for m in models]
    total = sum(loads) + 5 + int(run)
    step = 1
    converted = []
    for model, n in zip(models, loads):
        converted.append(pipeline.load(model, calibration, reporter=rep, steps=(step, total)))
        step += n
    graphs = [c.graph for c in converted]
    samples_bytes = sum(selftest_sample_count(g) * sum(g.tensor(t).nbytes for t in (*g.inputs, *g.outputs))
                        for g in graphs)
    name = " + ".join(g.name for g in graphs)
    built = pipeline.generate_models(
        graphs, replace(pipeline.Target.for_board(board), weights_in_ram=weights_in_ram), inplace=inplace, prefixes=prefixes, concurrent=concurrent,
        before_generate=lambda plan: check_fit(graphs[0], _ram_planned(plan, board), board, samples_bytes,
                                               sum(weight_bytes(g) for g in graphs), name=name))
    plan, sources = built.plan, built.sources
    rep.stage(step, total, "lower", "; ".join(
        (f"{lib.sources.prefix}: " if several else "") + f"{len(lib.calls)} layers: "
        + ", ".join(sorted({c.kind for c in lib.calls})) for lib in built.libraries)
        + f"; {board.kernel_variant} kernels")
    step += 1
    copied = sources.weights_ram_bytes  # in the fastest region: the main RAM unless the board has regions
    estimate = check_fit(graphs[0], _ram_planned(plan, board, copied), board, samples_bytes, sources.weight_bytes,
                         name=name)
    uses = region_uses(plan, board, copied)
    rep.stage(step, total, "plan", f"arena {human_bytes(int(plan.size))}"
              + (f" + state {human_bytes(int(plan.state_size))}" if plan.state_size else "")
              + ("" if not uses else " (" + ", ".join(f"{u.name} {human_bytes(u.arena + u.state)}"
                                                     for u in uses if u.arena or u.state) + ")")
              + (_sharing(built) if several else "")
              + (f" + {human_bytes(copied)} of weights copied to {board.memory_regions[0].name}" if copied else "")
              + f"{'' if inplace else ' (no in-place reuse)'}; fits {board.name} "
              f"(~{100 * estimate.ram / board.ram_bytes:.0f}% RAM, ~{100 * estimate.flash / board.flash_bytes:.0f}% flash)")
    if not several:
        for line in spilled_buffers(built.libraries[0].graph, built.libraries[0].plan):
            rep.info(line)
    for warning in fit_warnings(estimate, board):
        rep.warn(warning)
    step += 1
    project_models = [ProjectModel(c.graph, selftest_data(c.tflite, c.graph), c.tflite) for c in converted]
    rep.stage(step, total, "generate", ", ".join(g for g in sources.files if g.endswith(".c"))
              + f", {len(sources.kernels)} kernels; self-test: "
              + ", ".join(f"{m.selftest.samples}" for m in project_models)
              + " samples with tflite-micro's outputs")
    step += 1
    final = out.resolve()
    envs = [board.name + "_selftest"] if selftest_only else [board.name + "_selftest", board.name]
    compile_error: ToolchainError | None = None
    isa: IsaCheck | None = None
    with atomic_output_dir(out, force, protect=models) as tmp:
        reports = [c.report for c in converted]
        extra = {"quantization": reports[0].to_json()} if not several and reports[0] is not None else {}
        if several:
            extra.update(concurrent=concurrent, separate_arena_bytes=plan.separate_size)
        if uses:
            extra["regions"] = [asdict(u) for u in uses]
            if not several:
                extra["buffers"] = buffer_placement(built.libraries[0].plan)
        staged = write_models_project(tmp, sources, board, project_models, command_line,
                                      extra_manifest=extra or None)
        rep.stage(step, total, "project", f"{final} (envs {staged.bench_env}, {staged.selftest_env})")
        step += 1
        try:
            compiled, sizes, isa = _compile(staged, board, envs, compile_mode, rep, step, total, final)
        except ToolchainError as exc:  # keep the sources and the log: the user reads them next
            compile_error = _renamed(exc, tmp, final)
        measured = None
        if isa is not None and isa.report is not None:
            measured = check_measured_fit(name, isa.report, board)
            for warning in fit_warnings(measured, board):
                rep.warn(warning)
    step += 1
    project = Project(final, board, sources.prefix, staged.bench_env, staged.selftest_env)
    if compile_error is not None:
        raise compile_error
    result_run = None
    if run:
        result_run = run_selftest(project, rep, step, total)
    return BuildResult(project, estimate, int(plan.size), sizes, compiled, result_run,
                       tuple(next_steps(project, compiled, " ".join(str(m) for m in models), command_line)),
                       converted[0].report if not several else None, int(plan.state_size), uses,
                       separate_arena_bytes=plan.separate_size if several else 0, concurrent=concurrent,
                       weights_ram_bytes=copied, objects=isa.report if isa else None, measured=measured)


def _sharing(built) -> str:
    """How several models share the arena, for the plan line."""
    each = " + ".join(f"{lib.sources.prefix} {human_bytes(int(lib.plan.size))}" for lib in built.libraries)
    if built.concurrent:
        return f"; {each}, concurrent: disjoint"
    return f"; {each} run one after another: {human_bytes(built.plan.saving)} less than separate"


def _renamed(exc: ToolchainError, tmp: Path, final: Path) -> ToolchainError:
    """The same error with paths in the temporary folder named by their final place."""
    fix = (lambda text: text.replace(str(tmp), str(final)) if text else text)
    return type(exc)(fix(exc.message), fix(exc.hint))


def next_steps(project: Project, compiled: bool, model: str | Path, command_line: str = "") -> list[str]:
    """The commands to run next, exactly as the user can type them (a test runs them)."""
    board = project.board
    path = shlex.quote(str(project.path))
    if not board.emulated:
        return pio.connected_machine_commands(project.path, board)
    bench = f"mcugen bench --project {path} --emulate"
    if not compiled:
        return [f"mcugen build {shlex.quote(str(model))} --board {board.name} -o {path} --run"
                f"   # compile, then run the self-test under QEMU"]
    return [f"mcugen selftest --project {path}   # the self-test under QEMU: PASS/FAIL",
            f"{bench}   # benchmark it, every output checked against tflite-micro"]


def _compile(project: Project, board: Board, envs: list[str], mode: str, rep: Reporter, step: int,
             total: int, final: Path) -> tuple[bool, dict[str, Sizes], IsaCheck | None]:
    log = project.path / "build.log"
    if mode == "no":
        rep.stage(step, total, "compile", "skipped (--no-compile)")
        return False, {}, None
    if not board.emulated and not (pio.platform_installed(board) or pio.registry_reachable()):
        # Offline, `pio run` would wait ~60 s for the registry and fail: say it now instead.
        isa = check_isa(project, board)
        why = (f"PlatformIO's {board.pio_platform} platform is not installed and its registry is "
               f"unreachable")
        if mode == "yes":
            raise ToolchainError(f"cannot compile for {board.name} here: {why} (the project is written: "
                                 f"{final}; {isa.summary})",
                                 hint="on a connected machine: " + "; ".join(
                                     pio.connected_machine_commands(final, board)[:2]))
        rep.stage(step, total, "compile", f"{why}; {isa.summary}")
        return False, {}, isa
    rep.stage(step, total, "compile", f"pio run -e {' -e '.join(envs)} (log: {final / log.name})")
    with rep.progress("compiling", None):
        # a first real-board build downloads the vendor platform and toolchain: allow for it
        pio.run_pio(project.path, envs, log, offline_core=board.emulated,
                    timeout=600 if board.emulated else 3600)
    if not board.emulated:  # the vendor's ELF has the framework in it: measure our part alone
        measures = bool(board.check_llvm_cpu or board.framework_flash_bytes)
        return True, {}, check_isa(project, board) if measures else None
    sizes = {env: elf_sizes(project.elf(env), board) for env in envs}
    return True, sizes, None


def check_isa(project: Project, board: Board) -> IsaCheck:
    """Compile the board-independent sources (model, kernels, apps; not the vendor glue) for this
    board's ISA with the best compiler here, warnings as errors, and measure their objects where
    that compiler targets the ISA (isa_objects). A rejected source is reported in the summary."""
    several = (project.path / "include" / "mg_models_table.h").is_file()
    defines = [f for f in build_flags(board, project.prefix, several) if f.startswith("-D")]
    try:
        return check_project(project.path, board, defines)
    except ToolchainError as exc:
        return IsaCheck(exc.message)


def check_portable_sources(project: Project, board: Board) -> str:
    """check_isa's one-line summary."""
    return check_isa(project, board).summary


def portable_sources(project: Project) -> list[Path]:
    src = project.path / "src"
    return sorted([*src.glob("*.c"), *(src / "app_bench").glob("*.c"), *(src / "app_selftest").glob("*.c")])


def run_selftest(project: Project, rep: Reporter, step: int, total: int, timeout: float = 120) -> QemuResult:
    board = project.board
    if not board.emulated:
        raise DeviceError(f"--run needs an emulated board; {board.name} is real",
                          hint=f"flash it: cd {project.path} && pio run -e {project.selftest_env} -t upload -t monitor")
    result = run_elf(board, project.elf(project.selftest_env), timeout=timeout)
    line = result.result_line or (result.console.strip().splitlines() or ["(no output)"])[-1]
    detail = line
    instructions = result.instructions_per_inference(board.counter_hz)
    if instructions is not None:
        detail += f" (= {instructions:,} instructions per inference)"
    for model_line in result.model_lines:
        count = result.instructions_per_inference(board.counter_hz, model_line)
        detail += "\n    " + model_line + ("" if count is None else f" (= {count:,} instructions)")
    rep.stage(step, total, "run", f"QEMU {board.qemu_machine}: {detail}")
    if not result.passed:
        how = (f"no exit within {timeout:g} s" if result.exit_status is None
               else f"exit status {result.exit_status}")
        raise DeviceError(f"the self-test did not pass on {board.name} ({how}): {line}",
                          hint=f"console output:\n{result.console.strip()[-2000:]}")
    return result
