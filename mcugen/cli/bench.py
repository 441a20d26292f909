"""`mcugen bench`: run the model on a board (or QEMU), check every output against tflite-micro."""
from __future__ import annotations

import json
from pathlib import Path

import click

from mcugen.errors import OutputsDiffer


@click.command("bench")
@click.argument("models", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--board", "board_name", help="Board name (see `mcugen boards`); defaults to the project's.")
@click.option("--port", help="Serial port of a real board, e.g. /dev/ttyUSB0 or COM3.")
@click.option("--emulate", is_flag=True, help="Run the firmware under QEMU (emulated boards).")
@click.option("--project", "project_dir", type=click.Path(file_okay=False),
              help="Project built by `mcugen build` (its bench firmware and model); default: the "
                   "current folder when it is one and no MODEL is given.")
@click.option("--inputs", "inputs_path", type=click.Path(dir_okay=False), multiple=True,
              help="Samples to send: .npy/.npz (samples x input shape) or raw .bin; default random. "
                   "Several models: once per model, in order.")
@click.option("-n", "count", type=click.IntRange(1, 100000), default=10, show_default=True,
              help="Number of inferences.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random inputs.")
@click.option("--json", "json_out", help="Write the result as JSON to this file ('-' for stdout).")
@click.option("--report", "report_out", type=click.Path(dir_okay=False),
              help="Write a report with a per-layer chart: OUT.html or OUT.md.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=5.0, show_default=True,
              help="Seconds to wait for a reply (an inference may take max(120, this)).")
@click.option("--estimate-cycles", is_flag=True,
              help="With --emulate: also ESTIMATE the core's cycles (Cortex-M4/M7) per inference "
                   "and per layer, from QEMU's execution trace weighted by the core's timing table "
                   "and the board's flash wait states (slower: about 2-3x).")
@click.option("--baud", type=int, default=None, help="Baud rate of --port (default: the board's).")
@click.option("--micropython", is_flag=True,
              help="Run the bench.py of a `mcugen build --target micropython` folder (--project) "
                   "with mpremote on --port (or a unix-port micropython executable given as --port).")
@click.option("--install", is_flag=True, help="With --micropython: copy the natmod to the board first.")
@click.option("--mount", is_flag=True,
              help="With --micropython: import the natmod from this computer (mpremote mount), "
                   "writing nothing to the board.")
@click.pass_obj
def command(state, models, board_name, port, emulate, project_dir, inputs_path, count, seed, json_out,
            report_out, timeout, estimate_cycles, baud, micropython, install, mount):
    """Benchmark a model on a board, checking every output bit-exactly against tflite-micro.

    Sends N inputs (your samples or random ones), times each inference on the board, reads each
    output back and compares it with tflite-micro run on this computer. Reports latency (cycles and
    microseconds on real boards; executed instructions on emulated ones, never milliseconds), the
    per-layer profile, RAM (arena + peak stack) and flash. With --estimate-cycles an emulated run
    also reports ESTIMATED Cortex-M4/M7 cycles and milliseconds at the board's clock, always
    labelled as estimates.

    MODEL is the int8 .tflite the firmware was built from (tflite-micro runs it as the reference);
    it may be left out when the project holds it (a .tflite at the project's top level). For a
    Keras model, bench the int8 file `mcugen convert` writes.

    A firmware of several models (mcugen build A B) benches every one of them, each against its
    own tflite-micro, reported per model; give MODELs to bench only those.

    \b
    Examples:
      mcugen bench kws.tflite --board netduinoplus2 --emulate     (builds it first)
      mcugen bench kws.tflite --board mps2_an386 --emulate --project out/kws
      mcugen bench kws.tflite --emulate --project out/kws -n 20 --json kws.json --report kws.html
      mcugen bench kws.tflite --board netduinoplus2 --emulate --estimate-cycles
      mcugen bench kws.tflite --board nucleo_l4r5zi --port /dev/ttyACM0 --inputs samples.npy
      mcugen bench kws.tflite ic.tflite --board mps2_an386 --emulate   (one firmware, both models)
      mcugen bench --project out/kws_ic --emulate --json both.json
      mcugen bench --micropython --port /dev/ttyACM0 --project out/kws_mpy --install

    Exit status: 0 when every output is bit-exact, 4 when some differ, 3 when the board cannot
    be reached or misbehaves, 2 on usage and other errors.
    """
    from mcugen import jobs

    rep = state.reporter
    _check_outputs(json_out, report_out)  # a bad name or place fails now, not after the bench
    if micropython:
        from mcugen.cli.micropython_target import bench_command

        return bench_command(rep, project_dir, port, "mount" if mount else "copy" if install else "",
                             count, seed, json_out)
    if project_dir is None and not models and Path("mcugen.json").is_file():
        project_dir = "."  # run inside a project folder, as `mcugen flash` does
    if emulate == bool(port):
        raise click.UsageError("give either --emulate (QEMU) or --port PORT (a real board)")
    if estimate_cycles and not emulate:
        raise click.UsageError("--estimate-cycles needs --emulate (a real board counts cycles itself)")
    if not project_dir and not board_name:
        raise click.UsageError("--board is required without --project")
    run = jobs.bench_model(list(models), board_name, port=port, project=project_dir,
                           inputs=list(inputs_path) or None, count=count, seed=seed, timeout=timeout,
                           baud=baud, reporter=rep, estimate_cycles=estimate_cycles)
    if json_out != "-":  # stdout carries only the JSON then
        for result in run.each:
            show(rep, result)
    if json_out:
        doc = run.to_json(", ".join(inputs_path) or f"random (seed {seed})")
        if json_out == "-":
            rep.json(doc)
        else:
            from mcugen.fsutil import atomic_write

            atomic_write(json_out, json.dumps(doc, indent=2) + "\n")
            rep.info(f"wrote {json_out}")
    if report_out:
        from mcugen.bench.reportfile import write_report

        for path in write_report(run.each, report_out):
            rep.info(f"wrote {path}")
    if not run.outputs_match:
        differ = [r for r in run.each if not r.outputs_match]
        raise OutputsDiffer(", ".join(f"{r.mismatch_count} output(s) of {r.n} inferences" for r in differ)
                            + (f" ({', '.join(r.model for r in differ)})" if len(run.each) > 1 else "")
                            + " differ from tflite-micro",
                            hint="rerun with --json OUT to see which samples and by how much")


def _check_outputs(json_out: str | None, report_out: str | None) -> None:
    from mcugen.fsutil import check_writable_file

    if json_out and json_out != "-":
        check_writable_file(json_out)
    if report_out:
        from mcugen.bench.reportfile import check_report_path

        check_report_path(report_out)


def show(rep, result) -> None:
    """The bench's summary and per-layer tables."""
    from mcugen.bench.reportfile import layer_columns, layer_rows, layer_title, summary_rows

    rep.table(f"{result.model} on {result.board}", ["", "value"], summary_rows(result))
    if result.layer_names and not any(result.layer_medians()):
        rep.warn("no per-layer counts: the firmware was built without "
                 "-DMG_HOOKS_HEADER='\"mg_bench_hooks.h\"' (mcugen build adds it)")
    elif result.layer_names:
        columns = layer_columns(result)
        rep.table(layer_title(result), columns, layer_rows(result),
                  right=tuple(c for c in columns if c != "op"))
