"""A bench run as one call: a built firmware on a board (a serial port, or QEMU), N inputs, every
output checked against tflite-micro on this computer. The CLI only parses and prints.

    run = run_bench(BenchSetup(board, elf, model_bytes, name), port="/dev/ttyACM0", count=20)
    run.result.outputs_match, run.result.latency ...
"""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

from mcugen.bench.session import BenchResult
from mcugen.boards import Board
from mcugen.report import Reporter


@dataclass(frozen=True)
class BenchSetup:
    """What runs: the board, its firmware (None for a real board flashed elsewhere) and the int8
    model it was generated from (the oracle runs exactly that)."""

    board: Board
    elf: Path | None
    model: bytes
    name: str
    flash_bytes: int | None = None
    ram_regions: tuple[tuple[str, int], ...] = ()  # (region, bytes planned there), several regions only
    more: tuple[tuple[bytes, str], ...] = ()  # the firmware's other models to bench: (model, name)

    @property
    def models(self) -> tuple[tuple[bytes, str], ...]:
        return ((self.model, self.name), *self.more)


@dataclass(frozen=True)
class BenchRun:
    result: BenchResult  # the (first) model's
    garbage_bytes_skipped: int  # link health: bytes that were not frames, frames that failed CRC
    corrupted_frames: int
    results: tuple[BenchResult, ...] = ()  # every model benched, in order (`result` first)

    @property
    def each(self) -> tuple[BenchResult, ...]:
        return self.results or (self.result,)

    @property
    def outputs_match(self) -> bool:
        return all(r.outputs_match for r in self.each)

    def to_json(self, inputs: str) -> dict:
        link = {"garbage_bytes_skipped": self.garbage_bytes_skipped, "corrupted_frames": self.corrupted_frames}
        if len(self.each) == 1:
            doc = self.result.to_json()
            doc["inputs"] = inputs
            doc["link"] = link
            return doc
        first = self.result
        return {"board": first.board, "models": [r.to_json() for r in self.each],
                "outputs_match": self.outputs_match, "mismatches": sum(r.mismatch_count for r in self.each),
                "concurrent": first.concurrent, "arena_bytes": first.arena_bytes,
                "stack_peak_bytes": max(r.stack_peak_bytes for r in self.each),
                "flash_bytes": first.flash_bytes, "emulated": first.emulated,
                "ram_regions": [{"name": name, "bytes": n} for name, n in first.ram_regions],
                "inputs": inputs, "link": link}


def samples_for(graph, count: int, seed: int = 0, inputs: str | Path | None = None,
                reporter: Reporter | None = None) -> list[list[np.ndarray]]:
    """N inputs: the user's file (cycled; float data quantized, with a warning) or seeded random."""
    from mcugen.bench.inputs import load_samples
    from mcugen.bench.session import make_samples

    warn = reporter.warn if reporter is not None else None
    data = load_samples(inputs, graph, warn) if inputs else None
    return make_samples(graph, count, seed=seed, data=data)


def run_bench(setup: BenchSetup, samples: Sequence, port: str | None = None,
              baud: int | None = None, timeout: float = 5.0, reporter: Reporter | None = None,
              estimate_cycles: bool = False) -> BenchRun:
    """Run `samples` on the board at `port`, or under QEMU when `port` is None; with
    `estimate_cycles` (QEMU only) also estimate the core's cycles from an execution trace.
    A setup of several models takes one list of samples per model."""
    from mcugen.bench.session import SessionModel
    from mcugen.convert.tflite_reader import read_graph
    from mcugen.oracle import TflmOracle

    rep = reporter or Reporter(quiet=True)
    board, emulate = setup.board, port is None
    per_model = samples if setup.more else [samples]
    if len(per_model) != len(setup.models):
        raise ValueError(f"{len(per_model)} sample lists for {len(setup.models)} models")
    if estimate_cycles and setup.more:
        from mcugen.errors import McugenError

        raise McugenError("--estimate-cycles prices one model's invoke; this bench runs several",
                          hint="bench one model of the firmware: mcugen bench MODEL --project DIR --emulate")
    sessions = []
    for (model, name), model_samples in zip(setup.models, per_model):
        graph = read_graph(model, name=name)
        sessions.append(SessionModel(model, graph, model_samples, TflmOracle(model), layer_macs(graph)))
    samples = sum((list(m.samples) for m in sessions), [])
    where = f"QEMU {board.qemu_machine}" if emulate else port
    tracing = None
    if estimate_cycles:
        from mcugen.bench.cyclebench import CycleTracing

        tracing = CycleTracing.prepare(board, setup.elf if emulate else None)
    rep.info(f"bench {', '.join(name for _, name in setup.models)} on {board.name} ({where}), "
             f"{len(samples)} inference(s)"
             + (", tracing for the cycle estimate" if tracing else ""))
    try:
        run = _run(setup, sessions, port, baud, timeout, rep, tracing)
    finally:
        if tracing is not None:
            tracing.close()
    if tracing is not None:
        run = replace(run, result=tracing.finish(run.result), results=())
    return run


def _run(setup, sessions, port, baud, timeout, rep, tracing) -> BenchRun:
    from mcugen.bench.client import BenchClient
    from mcugen.bench.session import run_sessions

    board, emulate = setup.board, port is None
    with _link(setup, port, baud, timeout, tracing) as (link, process):
        client = BenchClient(link, timeout=timeout, run_timeout=max(120.0, timeout), log=rep.debug)
        ready = client.wait_ready(timeout)
        rep.debug(f"board says: {ready}")
        if ready.board != board.name:
            rep.warn(f"the firmware says it was built for {ready.board}, not {board.name}")
        with rep.progress("inferences", sum(len(m.samples) for m in sessions)) as advance:
            results = run_sessions(client, sessions, advance, flash_bytes=setup.flash_bytes)
        results = tuple(replace(r, ram_regions=setup.ram_regions) for r in results)
        if emulate:
            client.exit()  # a clean end for QEMU; it is killed anyway when the block ends
            if tracing is not None:  # its log is complete only once it has exited by itself
                _wait_exit(process, max(30.0, timeout))
    return BenchRun(results[0], client.decoder.skipped, client.decoder.bad_frames,
                    results if len(results) > 1 else ())


def _wait_exit(process, timeout: float) -> None:
    import subprocess

    from mcugen.errors import DeviceError

    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        raise DeviceError(f"QEMU did not exit within {timeout:g} s of the bench's end: its execution "
                          "trace is incomplete") from None


def layer_macs(graph) -> list[tuple[str, int]]:
    """(kind, MACs) of each layer the generated firmware runs: the canonical graph's ops."""
    from mcugen.pipeline import canonical
    from mcugen.stats import op_macs

    lowered = canonical(graph)
    return [(op.kind, op_macs(lowered, op)) for op in lowered.ops]


@contextlib.contextmanager
def _link(setup: BenchSetup, port: str | None, baud: int | None, timeout: float, tracing=None) -> Iterator:
    """(serial link, QEMU's process or None)."""
    if port is None:
        from mcugen.bench.emulate import emulate

        with emulate(setup.board, setup.elf, timeout=max(timeout, 10.0),
                     trace=tracing.reader if tracing is not None else None) as emulation:
            yield emulation.link, emulation.process
        return
    from mcugen.bench.link import open_port

    link = open_port(port, baud or setup.board.baud)
    try:
        yield link, None
    finally:
        link.close()
