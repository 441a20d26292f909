"""`mcugen bench`: run the model on a board (or QEMU), check every output against tflite-micro."""
from __future__ import annotations

import contextlib
import json
from pathlib import Path

import click

from mcugen.errors import McugenError, OutputsDiffer


@click.command("bench")
@click.argument("model", required=False, type=click.Path(dir_okay=False))
@click.option("--board", "board_name", help="Board name (see `mcugen boards`); defaults to the project's.")
@click.option("--port", help="Serial port of a real board, e.g. /dev/ttyUSB0 or COM3.")
@click.option("--emulate", is_flag=True, help="Run the firmware under QEMU (emulated boards).")
@click.option("--project", "project_dir", type=click.Path(file_okay=False),
              help="Project built by `mcugen build` (its bench firmware and model); default: the "
                   "current folder when it is one and no MODEL is given.")
@click.option("--inputs", "inputs_path", type=click.Path(dir_okay=False),
              help="Samples to send: .npy/.npz (samples x input shape) or raw .bin; default random.")
@click.option("-n", "count", type=click.IntRange(1, 100000), default=10, show_default=True,
              help="Number of inferences.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the random inputs.")
@click.option("--json", "json_out", help="Write the result as JSON to this file ('-' for stdout).")
@click.option("--report", "report_out", type=click.Path(dir_okay=False),
              help="Write a report with a per-layer chart: OUT.html or OUT.md.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=5.0, show_default=True,
              help="Seconds to wait for a reply (an inference may take max(120, this)).")
@click.option("--baud", type=int, default=None, help="Baud rate of --port (default: the board's).")
@click.option("--micropython", is_flag=True,
              help="Run the bench.py of a `mcugen build --target micropython` folder (--project) "
                   "with mpremote on --port (or a unix-port micropython executable given as --port).")
@click.option("--install", is_flag=True, help="With --micropython: copy the natmod to the board first.")
@click.option("--mount", is_flag=True,
              help="With --micropython: import the natmod from this computer (mpremote mount), "
                   "writing nothing to the board.")
@click.pass_obj
def command(state, model, board_name, port, emulate, project_dir, inputs_path, count, seed, json_out,
            report_out, timeout, baud, micropython, install, mount):
    """Benchmark a model on a board, checking every output bit-exactly against tflite-micro.

    Sends N inputs (your samples or random ones), times each inference on the board, reads each
    output back and compares it with tflite-micro run on this computer. Reports latency (cycles and
    microseconds on real boards; executed instructions on emulated ones, never milliseconds), the
    per-layer profile, RAM (arena + peak stack) and flash.

    MODEL is the int8 .tflite the firmware was built from (tflite-micro runs it as the reference);
    it may be left out when the project holds it (a .tflite at the project's top level). For a
    Keras model, bench the int8 file `mcugen convert` writes.

    \b
    Examples:
      mcugen bench kws.tflite --board netduinoplus2 --emulate     (builds it first)
      mcugen bench kws.tflite --board mps2_an386 --emulate --project out/kws
      mcugen bench kws.tflite --emulate --project out/kws -n 20 --json kws.json --report kws.html
      mcugen bench kws.tflite --board nucleo_l4r5zi --port /dev/ttyACM0 --inputs samples.npy
      mcugen bench --micropython --port /dev/ttyACM0 --project out/kws_mpy --install

    Exit status: 0 when every output is bit-exact, 4 when some differ, 3 when the board cannot
    be reached or misbehaves, 2 on usage and other errors.
    """
    from mcugen.bench import target
    from mcugen.bench.client import BenchClient
    from mcugen.bench.session import run_session
    from mcugen.build.pio import elf_sizes
    from mcugen.boards import load_board
    from mcugen.convert.tflite_reader import read_graph

    rep = state.reporter
    _check_outputs(json_out, report_out)  # a bad name or place fails now, not after the bench
    if micropython:
        from mcugen.micropython.commands import bench_command

        return bench_command(rep, project_dir, port, "mount" if mount else "copy" if install else "",
                             count, seed, json_out)
    if project_dir is None and model is None and Path("mcugen.json").is_file():
        project_dir = "."  # run inside a project folder, as `mcugen flash` does
    if emulate == bool(port):
        raise click.UsageError("give either --emulate (QEMU) or --port PORT (a real board)")
    project = target.read_project(project_dir) if project_dir else None
    board = target.project_board(project, board_name) if project else None
    if board is None:
        if not board_name:
            raise click.UsageError("--board is required without --project")
        board = load_board(board_name)
    if emulate and not board.emulated:
        raise McugenError(f"{board.name} is a real board; QEMU cannot emulate it",
                          hint=f"connect it and use --port, or pick an emulated board (mcugen boards)")
    if emulate and project is None:
        project = _build_for_bench(model, board, rep)
    data, name = target.load_model(model, project)
    graph = read_graph(data, name=name)
    elf = target.require_elf(project) if emulate else (project.elf if project else None)
    flash = elf_sizes(elf, board).flash if elf is not None and elf.is_file() else None

    samples = _samples(graph, count, seed, inputs_path, rep.warn)
    from mcugen.oracle import TflmOracle

    oracle = TflmOracle(data)
    where = f"QEMU {board.qemu_machine}" if emulate else port
    rep.info(f"bench {name} on {board.name} ({where}), {count} inference(s)")
    with _link(board, elf, port, baud, emulate, timeout) as link:
        client = BenchClient(link, timeout=timeout, run_timeout=max(120.0, timeout), log=rep.debug)
        ready = client.wait_ready(timeout)
        rep.debug(f"board says: {ready}")
        if ready.board != board.name:
            rep.warn(f"the firmware says it was built for {ready.board}, not {board.name}")
        with rep.progress("inferences", count) as advance:
            result = run_session(client, data, graph, samples, oracle, advance, flash_bytes=flash)
        if emulate:
            client.exit()  # a clean end for QEMU; it is killed anyway when the block ends
    if json_out != "-":  # stdout carries only the JSON then
        _show(rep, result)
    if json_out:
        doc = result.to_json()
        doc["inputs"] = inputs_path or f"random (seed {seed})"
        doc["link"] = {"garbage_bytes_skipped": client.decoder.skipped,
                       "corrupted_frames": client.decoder.bad_frames}
        if json_out == "-":
            rep.json(doc)
        else:
            from mcugen.fsutil import atomic_write

            atomic_write(json_out, json.dumps(doc, indent=2) + "\n")
            rep.info(f"wrote {json_out}")
    if report_out:
        from mcugen.bench.reportfile import write_report

        for path in write_report(result, report_out):
            rep.info(f"wrote {path}")
    if not result.outputs_match:
        raise OutputsDiffer(f"{result.mismatch_count} output(s) of {result.n} inferences differ from "
                          "tflite-micro", hint="rerun with --json OUT to see which samples and by how much")


def _check_outputs(json_out: str | None, report_out: str | None) -> None:
    from mcugen.fsutil import check_writable_file

    if json_out and json_out != "-":
        check_writable_file(json_out)
    if report_out:
        from mcugen.bench.reportfile import check_report_path

        check_report_path(report_out)


def _build_for_bench(model, board, rep):
    """--emulate with a MODEL and no --project: build it first (once: .mcugen/bench/ keeps the
    firmware by content, shared safely by benches running at the same time)."""
    from mcugen.bench import target
    from mcugen.bench.buildcache import cached_build

    if not model:
        raise McugenError("--emulate needs a model or a built project",
                          hint=f"mcugen bench MODEL.tflite --board {board.name} --emulate, or --project DIR")
    data, _name = target.load_model(model, None)  # an int8 .tflite: the oracle needs exactly what was built
    return target.read_project(cached_build(model, data, board, rep))


def _samples(graph, count: int, seed: int, inputs_path: str | None, warn=None):  # noqa: ANN001
    from mcugen.bench.inputs import load_samples
    from mcugen.bench.session import make_samples

    data = load_samples(inputs_path, graph, warn) if inputs_path else None
    return make_samples(graph, count, seed=seed, data=data)


def _link(board, elf, port, baud, emulate: bool, timeout: float):
    if emulate:
        from mcugen.bench.emulate import emulate as run_emulation

        return _link_of(run_emulation(board, elf, timeout=max(timeout, 10.0)))
    from mcugen.bench.link import open_port

    return open_port(port, baud or board.baud)


@contextlib.contextmanager
def _link_of(emulation):
    with emulation as emu:
        yield emu.link


def _show(rep, result) -> None:
    from mcugen.bench.reportfile import layer_rows, summary_rows

    rep.table(f"{result.model} on {result.board}", ["", "value"], summary_rows(result))
    if result.layer_names and not any(result.layer_medians()):
        rep.warn("no per-layer counts: the firmware was built without "
                 "-DMG_HOOKS_HEADER='\"mg_bench_hooks.h\"' (mcugen build adds it)")
    elif result.layer_names:
        rep.table(f"per layer ({result.unit}, median)", ["#", "op", "median", "share"],
                  layer_rows(result), right=("#", "median", "share"))
