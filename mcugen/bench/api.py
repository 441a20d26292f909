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


@dataclass(frozen=True)
class BenchRun:
    result: BenchResult
    garbage_bytes_skipped: int  # link health: bytes that were not frames, frames that failed CRC
    corrupted_frames: int

    def to_json(self, inputs: str) -> dict:
        doc = self.result.to_json()
        doc["inputs"] = inputs
        doc["link"] = {"garbage_bytes_skipped": self.garbage_bytes_skipped,
                       "corrupted_frames": self.corrupted_frames}
        return doc


def samples_for(graph, count: int, seed: int = 0, inputs: str | Path | None = None,
                reporter: Reporter | None = None) -> list[list[np.ndarray]]:
    """N inputs: the user's file (cycled; float data quantized, with a warning) or seeded random."""
    from mcugen.bench.inputs import load_samples
    from mcugen.bench.session import make_samples

    warn = reporter.warn if reporter is not None else None
    data = load_samples(inputs, graph, warn) if inputs else None
    return make_samples(graph, count, seed=seed, data=data)


def run_bench(setup: BenchSetup, samples: Sequence[Sequence[np.ndarray]], port: str | None = None,
              baud: int | None = None, timeout: float = 5.0, reporter: Reporter | None = None,
              estimate_cycles: bool = False) -> BenchRun:
    """Run `samples` on the board at `port`, or under QEMU when `port` is None; with
    `estimate_cycles` (QEMU only) also estimate the core's cycles from an execution trace."""
    from mcugen.convert.tflite_reader import read_graph
    from mcugen.oracle import TflmOracle

    rep = reporter or Reporter(quiet=True)
    board, emulate = setup.board, port is None
    graph = read_graph(setup.model, name=setup.name)
    oracle = TflmOracle(setup.model)
    where = f"QEMU {board.qemu_machine}" if emulate else port
    tracing = None
    if estimate_cycles:
        from mcugen.bench.cyclebench import CycleTracing

        tracing = CycleTracing.prepare(board, setup.elf if emulate else None)
    rep.info(f"bench {setup.name} on {board.name} ({where}), {len(samples)} inference(s)"
             + (", tracing for the cycle estimate" if tracing else ""))
    try:
        run = _run(setup, samples, port, baud, timeout, rep, graph, oracle, tracing)
    finally:
        if tracing is not None:
            tracing.close()
    if tracing is not None:
        run = replace(run, result=tracing.finish(run.result))
    return run


def _run(setup, samples, port, baud, timeout, rep, graph, oracle, tracing) -> BenchRun:
    from mcugen.bench.client import BenchClient
    from mcugen.bench.session import run_session

    board, emulate = setup.board, port is None
    with _link(setup, port, baud, timeout, tracing) as (link, process):
        client = BenchClient(link, timeout=timeout, run_timeout=max(120.0, timeout), log=rep.debug)
        ready = client.wait_ready(timeout)
        rep.debug(f"board says: {ready}")
        if ready.board != board.name:
            rep.warn(f"the firmware says it was built for {ready.board}, not {board.name}")
        with rep.progress("inferences", len(samples)) as advance:
            result = run_session(client, setup.model, graph, samples, oracle, advance,
                                 flash_bytes=setup.flash_bytes, layer_macs=layer_macs(graph))
        result = replace(result, ram_regions=setup.ram_regions)
        if emulate:
            client.exit()  # a clean end for QEMU; it is killed anyway when the block ends
            if tracing is not None:  # its log is complete only once it has exited by itself
                _wait_exit(process, max(30.0, timeout))
    return BenchRun(result, client.decoder.skipped, client.decoder.bad_frames)


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
