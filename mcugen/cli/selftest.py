"""`mcugen selftest`: run a built project's self-test firmware under QEMU (emulated boards)."""
from __future__ import annotations

from pathlib import Path

import click


@click.command("selftest")
@click.option("--project", "project_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("."),
              show_default=True, help="Project built by `mcugen build`.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=120, show_default=True,
              help="Seconds the self-test may run.")
@click.pass_obj
def command(state, project_dir: Path, timeout: float) -> None:
    """Run the self-test of a built project: the model on inputs baked into the firmware, every
    output byte compared with tflite-micro's. Prints PASS (exit 0) or FAIL (exit 3).

    Emulated boards run it under QEMU, without rebuilding. For a real board, flash the
    `<board>_selftest` environment with PlatformIO and watch its serial console.

    \b
    Examples:
      mcugen selftest --project kws_mps2_an386
      cd kws_mps2_an386 && mcugen selftest
    """
    from mcugen.bench import target
    from mcugen.project.api import run_selftest
    from mcugen.project.files import Project
    from mcugen.errors import BoardError, McugenError

    info = target.read_project(project_dir)
    board = target.project_board(info, None)
    project = Project(info.path, board, "", info.bench_env, f"{board.name}_selftest")
    if not board.emulated:
        raise BoardError(f"{board.name} is a real board: QEMU cannot run its self-test",
                         hint=f"cd {info.path} && pio run -e {project.selftest_env} -t upload -t monitor")
    if not project.elf(project.selftest_env).is_file():
        raise McugenError(f"{info.path} has no built self-test firmware",
                          hint=f"build it: mcugen build MODEL --board {board.name} -o {info.path}")
    run_selftest(project, state.reporter, 1, 1, timeout=timeout)
