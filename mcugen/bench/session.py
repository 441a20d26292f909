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


def check_model(ready: Ready, graph: Graph, model_sha256: str) -> None:
    """Refuse to benchmark a board that runs another model than the one we check against."""
    if not model_sha256.startswith(ready.model_sha256_prefix) or len(ready.model_sha256_prefix) < 16:
        raise DeviceError(
            f"the board runs a different model (sha256 {ready.model_sha256_prefix}...) than "
            f"{graph.name} (sha256 {model_sha256[:16]}...)",
            hint="flash the firmware built from this model (mcugen build, then mcugen flash), "
                 "or pass the model the board was built from")
    ins = tuple(graph.tensor(t).nbytes for t in graph.inputs)
    outs = tuple(graph.tensor(t).nbytes for t in graph.outputs)
    if ready.input_bytes != ins or ready.output_bytes != outs:
        raise DeviceError(f"the board's model has inputs {ready.input_bytes} and outputs "
                          f"{ready.output_bytes} bytes; {graph.name} has {ins} and {outs}",
                          hint="rebuild and flash the firmware for this model")


def to_unit(ready: Ready, ticks: int) -> int:
    """Counter ticks -> instructions (emulators) or cycles (real boards)."""
    if ready.counts_instructions:
        return int(round(ticks * 1e9 / ready.counter_hz)) if ready.counter_hz else ticks
    return ticks


def run_session(client: BenchClient, model: bytes, graph: Graph, samples: Sequence[Sequence[np.ndarray]],
                oracle: Oracle, advance: Callable[[int], None] = lambda n: None,
                flash_bytes: int | None = None,
                layer_macs: Sequence[tuple[str, int]] = ()) -> BenchResult:
    """`layer_macs`: (op kind, MACs) of the layers the firmware runs, in order (the canonical
    graph's ops); used when the board's layer names are exactly those kinds."""
    ready = client.ready or client.wait_ready()
    sha = hashlib.sha256(model).hexdigest()
    check_model(ready, graph, sha)
    names = client.read_names(ready.num_layers) if ready.num_layers else ()
    if graph.state_ids:  # a recurrent model: start the stream where a fresh tflite-micro does
        client.reset_state()
    out_tensors = [graph.tensor(t) for t in graph.outputs]
    totals: list[int] = []
    layers: list[tuple[int, ...]] = []
    mismatches: list[Mismatch] = []
    mismatch_count = 0
    stack_peak = 0
    for s, sample in enumerate(samples):
        for i, x in enumerate(sample):
            client.load_input(i, np.ascontiguousarray(x).tobytes())
        totals.append(to_unit(ready, client.run()))
        got = [_as_array(client.read_output(o, t.nbytes), t) for o, t in enumerate(out_tensors)]
        if ready.num_layers:
            layers.append(tuple(to_unit(ready, t) for t in client.read_layers(ready.num_layers)))
        stack_peak = max(stack_peak, client.read_stack()[0])
        for o, (a, b) in enumerate(zip(got, oracle.run(sample))):
            b = np.asarray(b).reshape(a.shape)
            if not np.array_equal(a, b):
                mismatch_count += 1
                if len(mismatches) < MAX_REPORTED_MISMATCHES:
                    diff = np.abs(a.astype(np.float64) - b.astype(np.float64))
                    mismatches.append(Mismatch(s, o, int(np.count_nonzero(diff)), _num(float(diff.max()))))
        advance(1)
    return BenchResult(board=ready.board, model=graph.name, model_sha256=sha,
                       unit="instructions" if ready.counts_instructions else "cycles",
                       counter_hz=ready.counter_hz, emulated=ready.emulated, totals=tuple(totals),
                       layer_names=tuple(names), layer_counts=tuple(layers),
                       mismatches=tuple(mismatches), mismatch_count=mismatch_count,
                       arena_bytes=ready.arena_bytes, stack_peak_bytes=stack_peak,
                       flash_bytes=flash_bytes,
                       layer_macs=tuple(m for _, m in layer_macs)
                       if [k for k, _ in layer_macs] == list(names) else ())


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
