"""`mcugen build` as one call: model file -> PlatformIO project -> firmware -> (QEMU self-test).

Stages: load/convert, lower, plan, fit check (before anything is written), generate (code and
tflite-micro's expected outputs for the self-test), project (atomic), compile, run.
"""
from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from mcugen.boards import Board, load_board
from mcugen.convert.quant_report import QuantReport
from mcugen.elf import Sizes, elf_sizes
from mcugen.errors import BoardError, DeviceError, ToolchainError
from mcugen.project import pio
from mcugen.project.files import Project, build_flags, selftest_data, selftest_sample_count, write_project
from mcugen.project.fit import FitEstimate, MeasuredFit, check_fit, check_measured_fit, fit_warnings
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
    objects: ObjectReport | None = None  # real boards: the sources compiled for the ISA, measured
    measured: MeasuredFit | None = None  # the fit check from those objects


def _ram_planned(plan) -> int:
    """The RAM the plan places: the arena and, beside it, the persistent state."""
    return int(plan.size) + int(plan.state_size)


def build(model: str | Path, board_name: str, out_dir: str | Path | None = None,
          calibration: str | Path | None = None, prefix: str = "model", inplace: bool = True,
          compile_mode: str = "auto", run: bool = False, reporter: Reporter | None = None,
          command_line: str = "", selftest_only: bool = False, force: bool = False) -> BuildResult:
    """Everything `mcugen build` does. `compile_mode`: "auto" (emulated boards always; real boards
    when PlatformIO can get their platform), "yes" (always try), "no" (render only).
    `selftest_only` compiles just the self-test environment (half the compile time).

    The project is written and compiled in a temporary folder beside `out_dir`, which it
    replaces only when complete: an interrupted build leaves nothing, a compiler failure leaves
    the complete sources and the log (to read the error), and `out_dir` is checked before any
    work (fsutil.check_output_dir: never a folder mcugen did not make, unless `force`)."""
    from mcugen import pipeline
    from mcugen.codegen import check_prefix
    from mcugen.convert.api import stage_count
    from mcugen.fsutil import atomic_output_dir, check_output_dir

    rep = reporter or Reporter(quiet=True)
    board = load_board(board_name)
    check_prefix(prefix)
    if run and not board.emulated:  # say so before converting and compiling for nothing
        raise BoardError(f"--run runs the self-test under QEMU; {board.name} is a real board",
                         hint=f"build it, then flash the {board.name}_selftest env: "
                              f"pio run -e {board.name}_selftest -t upload -t monitor")
    out = Path(out_dir) if out_dir else Path(f"{Path(model).stem}_{board.name}")
    check_output_dir(out, force, protect=(model,))
    n_load = stage_count(model)
    total = n_load + 5 + int(run)
    step = n_load + 1
    converted = pipeline.load(model, calibration, reporter=rep, steps=(1, total))
    graph = converted.graph
    samples_bytes = selftest_sample_count(graph) * sum(graph.tensor(t).nbytes
                                                       for t in (*graph.inputs, *graph.outputs))
    library = pipeline.generate(graph, pipeline.Target.for_board(board), inplace=inplace, prefix=prefix,
                                before_generate=lambda plan: check_fit(graph, _ram_planned(plan), board,
                                                                       samples_bytes))
    calls, plan, sources = library.calls, library.plan, library.sources
    rep.stage(step, total, "lower", f"{len(calls)} layers: " + ", ".join(sorted({c.kind for c in calls}))
              + f"; {board.kernel_variant} kernels")
    step += 1
    estimate = check_fit(graph, _ram_planned(plan), board, samples_bytes, sources.weight_bytes)
    rep.stage(step, total, "plan", f"arena {human_bytes(int(plan.size))}"
              + (f" + state {human_bytes(int(plan.state_size))}" if plan.state_size else "")
              + f"{'' if inplace else ' (no in-place reuse)'}; fits {board.name} "
              f"(~{100 * estimate.ram / board.ram_bytes:.0f}% RAM, ~{100 * estimate.flash / board.flash_bytes:.0f}% flash)")
    for warning in fit_warnings(estimate, board):
        rep.warn(warning)
    step += 1
    selftest = selftest_data(converted.tflite, graph)
    rep.stage(step, total, "generate", f"model.c, {len(sources.kernels)} kernels; self-test: "
              f"{selftest.samples} samples with tflite-micro's outputs")
    step += 1
    final = out.resolve()
    envs = [board.name + "_selftest"] if selftest_only else [board.name + "_selftest", board.name]
    compile_error: ToolchainError | None = None
    isa: IsaCheck | None = None
    with atomic_output_dir(out, force, protect=(model,)) as tmp:
        staged = write_project(tmp, sources, board, selftest, graph, command_line, converted.tflite,
                               extra_manifest=({"quantization": converted.report.to_json()}
                                               if converted.report is not None else None))
        rep.stage(step, total, "project", f"{final} (envs {staged.bench_env}, {staged.selftest_env})")
        step += 1
        try:
            compiled, sizes, isa = _compile(staged, board, envs, compile_mode, rep, step, total, final)
        except ToolchainError as exc:  # keep the sources and the log: the user reads them next
            compile_error = _renamed(exc, tmp, final)
        measured = None
        if isa is not None and isa.report is not None:
            measured = check_measured_fit(graph.name, isa.report, board)
            for warning in fit_warnings(measured, board):
                rep.warn(warning)
    step += 1
    project = Project(final, board, prefix, staged.bench_env, staged.selftest_env)
    if compile_error is not None:
        raise compile_error
    result_run = None
    if run:
        result_run = run_selftest(project, rep, step, total)
    return BuildResult(project, estimate, int(plan.size), sizes, compiled, result_run,
                       tuple(next_steps(project, compiled, model, command_line)), converted.report,
                       int(plan.state_size), isa.report if isa else None, measured)


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
    defines = [f for f in build_flags(board, project.prefix) if f.startswith("-D")]
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
    rep.stage(step, total, "run", f"QEMU {board.qemu_machine}: {detail}")
    if not result.passed:
        how = (f"no exit within {timeout:g} s" if result.exit_status is None
               else f"exit status {result.exit_status}")
        raise DeviceError(f"the self-test did not pass on {board.name} ({how}): {line}",
                          hint=f"console output:\n{result.console.strip()[-2000:]}")
    return result
