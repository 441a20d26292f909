"""One benchmark session: check the board runs our model, then send N inputs, time each invoke,
read every output back and compare it bit for bit with tflite-micro on the host.

`run_session(client, model, samples, oracle)` -> `BenchResult` (frozen; JSON via `to_json`).
"""
from __future__ import annotations

import hashlib
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Protocol, Sequence

import numpy as np

from mcugen.bench.client import BenchClient
from mcugen.bench.protocol import Ready
from mcugen.errors import DeviceError
from mcugen.ir import DTYPES, Graph
from mcugen.ops import input_value_range

if TYPE_CHECKING:
    from mcugen.bench.estimate import CycleEstimate

MAX_REPORTED_MISMATCHES = 20


class Oracle(Protocol):
    def run(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]: ...


@dataclass(frozen=True)
class Stats:
    median: float
    p90: float
    min: float
    max: float

    @staticmethod
    def of(values: Sequence[float]) -> "Stats":
        arr = np.asarray(values, dtype=np.float64)
        return Stats(float(statistics.median(arr)), float(np.percentile(arr, 90, method="nearest")),
                     float(arr.min()), float(arr.max()))

    def to_json(self) -> dict[str, float]:
        return {k: _num(v) for k, v in vars(self).items()}


@dataclass(frozen=True)
class Mismatch:
    sample: int
    output: int
    differing: int  # elements that differ
    max_abs_diff: int


@dataclass(frozen=True)
class BenchResult:
    board: str
    model: str
    model_sha256: str
    unit: str  # "instructions" (emulators) or "cycles" (real boards)
    counter_hz: int
    emulated: bool
    totals: tuple[int, ...]  # per inference, in `unit`
    layer_names: tuple[str, ...]
    layer_counts: tuple[tuple[int, ...], ...]  # per inference, per layer, in `unit`
    mismatches: tuple[Mismatch, ...]
    mismatch_count: int
    arena_bytes: int
    stack_peak_bytes: int
    flash_bytes: int | None = None
    layer_macs: tuple[int, ...] = ()  # per layer, from mcugen.stats.op_macs; () when unknown
    ram_regions: tuple[tuple[str, int], ...] = ()  # (RAM region, arena + state bytes there)
    estimate: "CycleEstimate | None" = None  # --estimate-cycles: cycles estimated from a trace
    model_index: int = 0  # which model of the firmware (READY's order)
    firmware_models: tuple[str, ...] = ()  # the C prefixes of every model in the firmware
    concurrent: bool = False  # the firmware's models were built to run at the same time

    @property
    def n(self) -> int:
        return len(self.totals)

    @property
    def outputs_match(self) -> bool:
        return self.mismatch_count == 0

    @property
    def resolution(self) -> float:
        """Smallest step of the counts: an emulator's timer may tick every N instructions."""
        if self.unit == "instructions" and self.counter_hz:
            return max(1.0, 1e9 / self.counter_hz)
        return 1.0

    @property
    def latency(self) -> Stats:
        return Stats.of(self.totals)

    @property
    def latency_us(self) -> Stats | None:
        """Microseconds at the board clock; None on emulators (instructions are not time)."""
        if self.unit != "cycles" or not self.counter_hz:
            return None
        return Stats.of([t * 1e6 / self.counter_hz for t in self.totals])

    def layer_medians(self) -> list[float]:
        if not self.layer_counts:
            return [0.0] * len(self.layer_names)
        return [float(statistics.median(col)) for col in zip(*self.layer_counts)]

    @property
    def macs(self) -> int:
        return sum(self.layer_macs)

    @property
    def per_mac_unit(self) -> str:
        """The column title of counts per MAC: "instr/MAC" or "cycles/MAC"."""
        return ("instr" if self.unit == "instructions" else self.unit) + "/MAC"

    def layer_per_mac(self) -> list[float | None]:
        """Median count per multiply-accumulate of each layer; None where a layer has no MACs."""
        if not self.layer_macs:
            return [None] * len(self.layer_names)
        return [m / macs if macs else None for m, macs in zip(self.layer_medians(), self.layer_macs)]

    def layers_total_ratio(self) -> float | None:
        """Sum of per-layer medians over the median total: how much of the time the layers explain."""
        total = self.latency.median
        return sum(self.layer_medians()) / total if total else None

    def to_json(self) -> dict:
        medians = self.layer_medians()
        total = self.latency.median or 1
        doc = {
            "board": self.board, "model": self.model, "model_sha256": self.model_sha256, "n": self.n,
            "outputs_match": self.outputs_match, "mismatches": self.mismatch_count,
            "mismatch_samples": [vars(m) for m in self.mismatches],
            "latency": {"unit": self.unit, **self.latency.to_json()},
            "layers": [{"index": i, "op": name, "median": _num(m), "share": round(m / total, 4),
                        "macs": self.layer_macs[i] if self.layer_macs else None,
                        "per_mac": None if per_mac is None else round(per_mac, 3)}
                       for i, (name, m, per_mac) in enumerate(zip(self.layer_names, medians,
                                                                  self.layer_per_mac()))],
            "macs": self.macs if self.layer_macs else None,
            "per_mac": round(self.latency.median / self.macs, 3) if self.macs else None,
            "layers_total_ratio": _num(round(self.layers_total_ratio() or 0.0, 4)),
            "arena_bytes": self.arena_bytes, "stack_peak_bytes": self.stack_peak_bytes,
            "ram_bytes": self.arena_bytes + self.stack_peak_bytes,
            "flash_bytes": self.flash_bytes, "emulated": self.emulated,
            "ram_regions": [{"name": name, "bytes": n} for name, n in self.ram_regions],
            "counter_hz": self.counter_hz, "resolution": _num(self.resolution),
        }
        if len(self.firmware_models) > 1:  # one of several models: which, and how they share RAM
            doc.update(model_index=self.model_index, prefix=self.firmware_models[self.model_index],
                       firmware_models=list(self.firmware_models), concurrent=self.concurrent)
        us = self.latency_us
        if us is not None:
            doc["latency_us"] = us.to_json()
        if self.estimate is not None:
            doc["cycle_estimate"] = self.estimate.to_json(self.layer_names, self.layer_macs)
            for layer, est in zip(doc["layers"], doc["cycle_estimate"]["layers"]):
                layer["estimated_cycles"] = est["cycles"]
        return doc


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else x


def check_model(ready: Ready, graph: Graph, model_sha256: str) -> int:
    """Which model of the board's firmware is `graph` (its index in READY); refuse to benchmark
    a board that runs other models than the one we check against."""
    found = [k for k, m in enumerate(ready.models)
             if len(m.model_sha256_prefix) >= 16 and model_sha256.startswith(m.model_sha256_prefix)]
    if not found:
        runs = ", ".join(f"{m.model_sha256_prefix}..." for m in ready.models) or "none"
        raise DeviceError(
            f"the board runs a different model (sha256 {runs}) than "
            f"{graph.name} (sha256 {model_sha256[:16]}...)",
            hint="flash the firmware built from this model (mcugen build, then mcugen flash), "
                 "or pass the model the board was built from")
    info = ready.models[found[0]]
    ins = tuple(graph.tensor(t).nbytes for t in graph.inputs)
    outs = tuple(graph.tensor(t).nbytes for t in graph.outputs)
    if info.input_bytes != ins or info.output_bytes != outs:
        raise DeviceError(f"the board's model has inputs {info.input_bytes} and outputs "
                          f"{info.output_bytes} bytes; {graph.name} has {ins} and {outs}",
                          hint="rebuild and flash the firmware for this model")
    return found[0]


def to_unit(ready: Ready, ticks: int) -> int:
    """Counter ticks -> instructions (emulators) or cycles (real boards)."""
    if ready.counts_instructions:
        return int(round(ticks * 1e9 / ready.counter_hz)) if ready.counter_hz else ticks
    return ticks


@dataclass(frozen=True)
class SessionModel:
    """One model to bench: its int8 .tflite, graph, inputs, oracle, and (op kind, MACs) of the
    layers the firmware runs (the canonical graph's ops; used when the board's names agree)."""

    model: bytes
    graph: Graph
    samples: Sequence[Sequence[np.ndarray]]
    oracle: Oracle
    layer_macs: Sequence[tuple[str, int]] = ()


class _Tally:
    """What one model's session collects."""

    def __init__(self) -> None:
        self.totals: list[int] = []
        self.layers: list[tuple[int, ...]] = []
        self.mismatches: list[Mismatch] = []
        self.mismatch_count = 0
        self.stack_peak = 0

    def compare(self, s: int, got: Sequence[np.ndarray], want: Sequence[np.ndarray]) -> None:
        for o, (a, b) in enumerate(zip(got, want)):
            b = np.asarray(b).reshape(a.shape)
            if not np.array_equal(a, b):
                self.mismatch_count += 1
                if len(self.mismatches) < MAX_REPORTED_MISMATCHES:
                    diff = np.abs(a.astype(np.float64) - b.astype(np.float64))
                    self.mismatches.append(Mismatch(s, o, int(np.count_nonzero(diff)), _num(float(diff.max()))))


def run_session(client: BenchClient, model: bytes, graph: Graph, samples: Sequence[Sequence[np.ndarray]],
                oracle: Oracle, advance: Callable[[int], None] = lambda n: None,
                flash_bytes: int | None = None,
                layer_macs: Sequence[tuple[str, int]] = ()) -> BenchResult:
    """Bench one model of the board's firmware (run_sessions for one)."""
    return run_sessions(client, [SessionModel(model, graph, samples, oracle, layer_macs)], advance,
                        flash_bytes)[0]


def run_sessions(client: BenchClient, models: Sequence[SessionModel],
                 advance: Callable[[int], None] = lambda n: None,
                 flash_bytes: int | None = None) -> tuple[BenchResult, ...]:
    """Bench models of the board's firmware, each against its own oracle; one result each.

    The models take turns sample by sample, as a firmware running them one after another does
    (each model's input written again before its run: they share the arena). On a firmware
    built for concurrent models every model's input is written first, then each runs, and the
    outputs are read at the end, so a model that touched another's bytes shows as a mismatch."""
    ready = client.ready or client.wait_ready()
    shas = [hashlib.sha256(m.model).hexdigest() for m in models]
    index = [check_model(ready, m.graph, sha) for m, sha in zip(models, shas)]
    names = [client.read_names(ready.models[k].num_layers, k) if ready.models[k].num_layers else ()
             for k in index]
    for m, k in zip(models, index):
        if m.graph.state_ids:  # a recurrent model: start the stream where a fresh tflite-micro does
            client.reset_state(k)
    tallies = [_Tally() for _ in models]
    together = ready.concurrent and len(models) > 1
    for s in range(max(len(m.samples) for m in models)):
        turn = [j for j, m in enumerate(models) if s < len(m.samples)]
        for j in turn:
            _load(client, index[j], models[j].samples[s])
            if not together:
                _run(client, ready, index[j], tallies[j])
                tallies[j].compare(s, _outputs(client, index[j], models[j].graph), models[j].oracle.run(models[j].samples[s]))
        if together:
            for j in turn:
                _run(client, ready, index[j], tallies[j])
            for j in turn:
                tallies[j].compare(s, _outputs(client, index[j], models[j].graph), models[j].oracle.run(models[j].samples[s]))
        advance(len(turn))
    firmware_models = tuple(info.name for info in ready.models)
    return tuple(BenchResult(board=ready.board, model=m.graph.name, model_sha256=sha,
                             unit="instructions" if ready.counts_instructions else "cycles",
                             counter_hz=ready.counter_hz, emulated=ready.emulated, totals=tuple(t.totals),
                             layer_names=tuple(n), layer_counts=tuple(t.layers),
                             mismatches=tuple(t.mismatches), mismatch_count=t.mismatch_count,
                             arena_bytes=ready.arena_bytes, stack_peak_bytes=t.stack_peak,
                             flash_bytes=flash_bytes,
                             layer_macs=tuple(c for _, c in m.layer_macs)
                             if [kind for kind, _ in m.layer_macs] == list(n) else (),
                             model_index=k, firmware_models=firmware_models, concurrent=ready.concurrent)
                 for m, sha, k, n, t in zip(models, shas, index, names, tallies))


def _load(client: BenchClient, k: int, sample: Sequence[np.ndarray]) -> None:
    for i, x in enumerate(sample):
        client.load_input(i, np.ascontiguousarray(x).tobytes(), k)


def _run(client: BenchClient, ready: Ready, k: int, tally: _Tally) -> None:
    """RUN model k, then read its per-layer ticks and the stack it reached (of this run)."""
    tally.totals.append(to_unit(ready, client.run(k)))
    layers = ready.models[k].num_layers
    if layers:
        tally.layers.append(tuple(to_unit(ready, t) for t in client.read_layers(layers, k)))
    tally.stack_peak = max(tally.stack_peak, client.read_stack()[0])


def _outputs(client: BenchClient, k: int, graph: Graph) -> list[np.ndarray]:
    return [_as_array(client.read_output(o, graph.tensor(t).nbytes, k), graph.tensor(t))
            for o, t in enumerate(graph.outputs)]


def _as_array(raw: bytes, tensor) -> np.ndarray:
    return np.frombuffer(raw, dtype=DTYPES[tensor.dtype][0]).reshape(tensor.shape).copy()


def make_samples(graph: Graph, n: int, seed: int = 0, data: Sequence[np.ndarray] | None = None
                 ) -> list[list[np.ndarray]]:
    """N samples: the user's (cycled if fewer than N) or uniformly random ones of the right dtype."""
    tensors = [graph.tensor(t) for t in graph.inputs]
    if data is not None:
        if not len(data):
            raise ValueError("no samples in the input data")
        return [[np.asarray(data[k % len(data)]).reshape(tensors[0].shape)] for k in range(n)]
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(n):
        sample = []
        for t in tensors:
            dtype = np.dtype(DTYPES[t.dtype][0])
            if dtype.kind == "f":
                sample.append(rng.uniform(-1, 1, t.shape).astype(dtype))
            else:
                info = np.iinfo(dtype)
                low, high = input_value_range(graph, t.id) or (info.min, int(info.max) + 1)
                sample.append(rng.integers(low, high, t.shape, dtype=dtype))
        samples.append(sample)
    return samples
