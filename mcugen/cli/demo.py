"""`mcugen demo`: the whole job on a model mcugen trains itself, as far as the pipeline goes.

The demo is a list of steps; each takes the run's state, does one stage call, and returns the
detail for its stage line. Adding a stage means adding one function to STEPS.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import click

from mcugen.report import Reporter, human_bytes


@dataclass
class DemoRun:
    """What the steps hand on to each other (mutable on purpose: it accumulates)."""

    out_dir: Path
    board: str
    reporter: Reporter
    artifacts: dict[str, Any] = field(default_factory=dict)


def train(run: DemoRun) -> str:
    from mcugen.example import CLASSES, make_example

    files = make_example(run.out_dir / "model")
    run.artifacts["example"] = files
    return (f"{files.model.name}: keyword-spotting-like CNN, {len(CLASSES)} classes, "
            f"train accuracy {files.train_accuracy * 100:.0f}%")


def convert(run: DemoRun) -> str:
    from mcugen import pipeline
    from mcugen.fsutil import atomic_write

    files = run.artifacts["example"]
    result = pipeline.load(files.model, files.calibration, files.validation)
    path = run.out_dir / "kws_example_int8.tflite"
    atomic_write(path, result.tflite)
    run.artifacts["convert"] = result
    run.artifacts["tflite_path"] = path
    summary = result.report.summary() if result.report else "passed through"
    return f"{path.name} ({human_bytes(len(result.tflite))}); {summary}"


def inspect(run: DemoRun) -> str:
    from mcugen.cli.inspect_cmd import show
    from mcugen.pipeline import inspect_data
    from mcugen.fsutil import atomic_write

    data = inspect_data(run.artifacts["convert"].graph, str(run.artifacts["tflite_path"]))
    import json

    atomic_write(run.out_dir / "inspect.json", json.dumps(data, indent=2) + "\n")
    show(run.reporter, data)
    t = data["totals"]
    supported = sum(o["supported"] for o in data["ops"])
    return f"{t['ops']} ops, {t['macs'] / 1e6:.3f} M MACs, {supported}/{t['ops']} supported by mcugen kernels"


def plan(run: DemoRun) -> str:
    from mcugen import pipeline
    from mcugen.arena.plot import save_timeline
    from mcugen.cli.plan import show_plans

    result = pipeline.plan_model(run.artifacts["tflite_path"], run.board)
    for note in result.notes:
        run.reporter.warn(note)
    show_plans(run.reporter, result)
    chosen = result.plans[True]
    plot = run.out_dir / "arena.svg"
    save_timeline(result.graph, chosen, plot, f"{result.graph.name}: {chosen.size} B arena, lower bound "
                  f"{chosen.lower_bound} B (in-place, {chosen.algorithm})")
    return f"memory timeline drawn in {plot}"


def build(run: DemoRun) -> str:
    from mcugen.project.api import build as build_project

    result = build_project(run.artifacts["tflite_path"], run.board, run.out_dir / "firmware",
                           run=True, reporter=run.reporter, command_line="mcugen demo")
    run.artifacts["project"] = result.project.path
    verdict = "self-test PASS, bit-exact with tflite-micro" if result.run and result.run.passed else \
        "built (no self-test run on this board)"
    return f"{result.project.path}: {verdict}"


def bench(run: DemoRun) -> str:
    import json

    from mcugen import jobs
    from mcugen.bench.reportfile import write_report
    from mcugen.cli.bench import show
    from mcugen.errors import OutputsDiffer
    from mcugen.fsutil import atomic_write

    files = run.artifacts["example"]
    bench_run = jobs.bench_model(project=run.artifacts["project"], inputs=files.validation, count=20,
                                     reporter=run.reporter)
    show(run.reporter, bench_run.result)
    atomic_write(run.out_dir / "bench.json",
                 json.dumps(bench_run.to_json(str(files.validation)), indent=2) + "\n")
    report = run.out_dir / "bench.html"
    write_report(bench_run.result, report)
    if not bench_run.result.outputs_match:
        raise OutputsDiffer(f"{bench_run.result.mismatch_count} output(s) differ from tflite-micro",
                            hint=f"see {run.out_dir / 'bench.json'}")
    return f"every output bit-exact with tflite-micro; report in {report}"


# (name, what it does, step) in order.
STEPS: list[tuple[str, str, Callable[[DemoRun], str]]] = [
    ("train", "training the example model on synthetic data", train),
    ("convert", "full-integer int8 with the example's calibration data", convert),
    ("inspect", "ops, MACs, memory, kernel support", inspect),
    ("plan", "static arena plan vs TFLite Micro's own planner", plan),
    ("build", "generated C + PlatformIO project, compiled, self-test under QEMU", build),
    ("bench", "20 real inputs over serial, each output checked against tflite-micro", bench),
]


@click.command("demo")
@click.option("-o", "--output", "out_dir", type=click.Path(path_type=Path), default=Path("mcugen-demo"),
              show_default=True, help="Directory for everything the demo makes.")
@click.option("--board", default="mps2_an386", show_default=True,
              help="Board to build for and run on (emulated when QEMU supports it).")
@click.pass_obj
def command(state, out_dir: Path, board: str) -> None:  # noqa: ANN001
    """Run mcugen end to end on an example model it trains itself (no download needed).

    Trains a small keyword-spotting-like CNN on synthetic data (seconds, deterministic), converts
    it to int8 with its calibration data, inspects it, plans its arena against TFLite Micro's,
    builds the PlatformIO firmware for --board and runs its self-test under QEMU, then benchmarks
    it over serial with every output checked against tflite-micro. Everything is written under
    --output: the model, inspect.json, arena.svg, firmware/, bench.json and bench.html.

    \b
    Examples:
      mcugen demo
      mcugen demo -o /tmp/demo --board mps2_an386
    """
    from mcugen.boards import load_board

    reporter = state.reporter
    load_board(board)  # an unknown board fails now, not after training
    run = DemoRun(out_dir=out_dir, board=board, reporter=reporter)
    out_dir.mkdir(parents=True, exist_ok=True)
    for number, (name, description, step) in enumerate(STEPS, start=1):
        reporter.stage(number, len(STEPS), name, description)
        reporter.info(f"          {step(run)}")
    reporter.info(f"demo done: outputs in {out_dir}")
    reporter.info("Next:")
    for line in next_steps(run):
        reporter.info("  " + line)


def next_steps(run: DemoRun) -> list[str]:
    """What to try after the demo, as commands that run as printed (a test runs them)."""
    import shlex

    project = shlex.quote(str(run.artifacts["project"]))
    model = shlex.quote(str(run.artifacts["tflite_path"]))
    samples = shlex.quote(str(run.artifacts["example"].validation))
    return [f"mcugen inspect {model}   # the int8 model, op by op",
            f"mcugen selftest --project {project}   # the firmware's self-test under QEMU again",
            f"mcugen bench --project {project} --emulate --inputs {samples} -n 50   # more inferences"]
