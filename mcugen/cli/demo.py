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
    from mcugen.convert.api import convert_model
    from mcugen.fsutil import atomic_write

    files = run.artifacts["example"]
    result = convert_model(files.model, files.calibration, files.validation)
    path = run.out_dir / "kws_example_int8.tflite"
    atomic_write(path, result.tflite)
    run.artifacts["convert"] = result
    run.artifacts["tflite_path"] = path
    summary = result.report.summary() if result.report else "passed through"
    return f"{path.name} ({human_bytes(len(result.tflite))}); {summary}"


def inspect(run: DemoRun) -> str:
    from mcugen.cli.inspect_cmd import inspect_data, show
    from mcugen.fsutil import atomic_write

    data = inspect_data(run.artifacts["convert"].graph, str(run.artifacts["tflite_path"]))
    import json

    atomic_write(run.out_dir / "inspect.json", json.dumps(data, indent=2) + "\n")
    show(run.reporter, data)
    t = data["totals"]
    supported = sum(o["supported"] for o in data["ops"])
    return f"{t['ops']} ops, {t['macs'] / 1e6:.3f} M MACs, {supported}/{t['ops']} supported by mcugen kernels"


# (name, what it does, step) in order; later stages (plan, generate, build, bench) append here.
STEPS: list[tuple[str, str, Callable[[DemoRun], str]]] = [
    ("train", "training the example model on synthetic data", train),
    ("convert", "full-integer int8 with the example's calibration data", convert),
    ("inspect", "ops, MACs, memory, kernel support", inspect),
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
    it to int8 with real calibration data, inspects it, and runs the later stages as far as this
    version of mcugen goes. Everything is written under --output.

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
