"""A Cortex-M cycle ESTIMATE of each inference and layer of an emulated bench run, from what
actually executed: QEMU's trace of translation blocks (mcugen.bench.trace) joined with the ELF's
disassembly (mcugen.bench.disasm), each block priced by the core's table (mcugen.bench.timing).

Windows: an inference runs from the firmware's counter read before `<prefix>_invoke` to the one
after it; layer i from the i-th MG_LAYER_BEGIN read to its MG_LAYER_END read (bench hooks). The
counter is read by an out-of-line function (mg_board_counter_read), so each read is a block
entry in the trace: the windows hold exactly the instructions the firmware's own counter counts,
which `check_against` verifies.
"""
from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from mcugen.bench.disasm import CLASSES, Firmware
from mcugen.bench.timing import CoreTiming, FlashTiming, block_cost
from mcugen.bench.trace import TraceError, TraceParser

COUNTER_READ = "mg_board_counter_read"


@dataclass(frozen=True)
class Tally:
    """One inference or one layer."""
    instructions: int
    core_cycles: float  # zero-wait-state memory
    taken_branches: int
    classes: tuple[int, ...]  # executed instructions per CLASSES
    flash_penalty: float  # cycles per taken branch for fetching its target

    @property
    def cycles(self) -> float:
        return self.core_cycles + self.taken_branches * self.flash_penalty


@dataclass(frozen=True)
class CycleEstimate:
    core: str
    approximate: bool  # the table itself is approximate (Cortex-M7)
    source: str
    clock_hz: int
    flash: FlashTiming
    inferences: tuple[Tally, ...]
    layers: tuple[tuple[Tally, ...], ...]  # per inference, per layer; () without layer hooks

    @property
    def median(self) -> float:
        return float(statistics.median(t.cycles for t in self.inferences))

    def median_of(self, field: str) -> float:
        return float(statistics.median(getattr(t, field) for t in self.inferences))

    def ms(self, cycles: float) -> float:
        return cycles * 1e3 / self.clock_hz

    def layer_medians(self) -> list[float]:
        if not self.layers or not self.layers[0]:
            return []
        return [float(statistics.median(t.cycles for t in col)) for col in zip(*self.layers)]

    @staticmethod
    def classes(tallies: Sequence[Tally]) -> dict[str, int]:
        """Executed instructions by class of the median run (by instructions; the lower one of
        an even count), so that they add up to its instructions."""
        median = sorted(tallies, key=lambda t: t.instructions)[(len(tallies) - 1) // 2]
        return dict(zip(CLASSES, median.classes))

    def check_against(self, totals: Sequence[int], layer_counts: Sequence[Sequence[int]],
                      resolution: float) -> None:
        """The trace's instruction counts must be the firmware's own (within its timer's step)."""
        if len(self.inferences) != len(totals):
            raise TraceError(f"the execution trace shows {len(self.inferences)} inferences, the bench "
                             f"ran {len(totals)}")
        for n, (tally, total) in enumerate(zip(self.inferences, totals)):
            _same(tally.instructions, total, resolution, f"inference {n}")
        for n, (tallies, counts) in enumerate(zip(self.layers, layer_counts)):
            for i, (tally, count) in enumerate(zip(tallies, counts)):
                _same(tally.instructions, count, resolution, f"inference {n} layer {i}")

    def to_json(self, layer_names: Sequence[str], layer_macs: Sequence[int]) -> dict:
        median = self.median
        core, taken = self.median_of("core_cycles"), self.median_of("taken_branches")
        instructions = self.median_of("instructions")
        macs = sum(layer_macs)
        doc = {
            "estimate": True,
            "what": f"estimated {self.core} cycles: executed instructions weighted by the core's "
                    "timing table, not a measurement",
            "core": self.core, "approximate_table": self.approximate, "table_source": self.source,
            "clock_hz": self.clock_hz,
            "flash": {"wait_states": self.flash.wait_states, "accelerator": self.flash.accelerator,
                      "taken_branch_penalty": self.flash.taken_branch_penalty, "model": self.flash.model},
            "cycles": {"median": _round(median), "min": _round(min(t.cycles for t in self.inferences)),
                       "max": _round(max(t.cycles for t in self.inferences))},
            "ms": round(self.ms(median), 4),
            "core_cycles": _round(core), "taken_branches": int(taken),
            "flash_worst_case_cycles": _round(core + taken * self.flash.worst_case_penalty),
            "instructions": int(instructions),
            "cycles_per_instruction": round(median / instructions, 3) if instructions else None,
            "cycles_per_mac": round(median / macs, 3) if macs else None,
            "classes": self.classes(self.inferences),
            "layers": [],
        }
        medians = self.layer_medians()
        macs_of = list(layer_macs) or [0] * len(medians)
        for i, (name, cycles, n) in enumerate(zip(layer_names, medians, macs_of)):
            doc["layers"].append({
                "index": i, "op": name, "cycles": _round(cycles), "share": round(cycles / median, 4),
                "ms": round(self.ms(cycles), 4), "cycles_per_mac": round(cycles / n, 3) if n else None,
                "classes": self.classes([layers[i] for layers in self.layers])})
        return doc


def _same(traced: int, measured: int, resolution: float, what: str) -> None:
    if abs(traced - measured) > resolution:
        raise TraceError(f"the execution trace shows {traced:,} instructions for {what}, the "
                         f"firmware counted {measured:,}: the estimate would not describe this run",
                         hint="is a function the inference calls outside the traced ranges "
                              "(a call through a pointer)? report it with the ELF")


def _round(x: float) -> float | int:
    return int(round(x)) if abs(x - round(x)) < 1e-9 else round(x, 1)


@dataclass(frozen=True)
class BlockTable:
    """Per executed block: what the timing model needs, as arrays indexed by block id."""
    instructions: np.ndarray
    start: np.ndarray
    end: np.ndarray  # address after its last instruction: where falling through goes
    ends_in_branch: np.ndarray
    static: np.ndarray  # cycles with the last branch falling through
    taken_extra: np.ndarray
    classes: np.ndarray  # blocks x CLASSES


def block_table(blocks: Sequence[tuple[int, ...]], firmware: Firmware, timing: CoreTiming) -> BlockTable:
    """Join the trace's blocks with the disassembly and price each one."""
    n = len(blocks)
    table = BlockTable(np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64),
                       np.zeros(n, bool), np.zeros(n), np.zeros(n), np.zeros((n, len(CLASSES)), np.int64))
    column = {name: i for i, name in enumerate(CLASSES)}
    for b, addrs in enumerate(blocks):
        try:
            insns = [firmware.insns[a] for a in addrs]
        except KeyError as exc:
            raise TraceError(f"QEMU executed an instruction at 0x{exc.args[0]:08x} that the ELF's "
                             "disassembly does not have", hint="is the ELF the one QEMU ran?") from None
        table.instructions[b] = len(insns)
        table.start[b] = addrs[0]
        table.end[b] = addrs[-1] + insns[-1].size
        table.ends_in_branch[b] = insns[-1].writes_pc
        table.static[b], table.taken_extra[b] = block_cost(insns, timing)
        for insn in insns:
            table.classes[b, column[insn.cls]] += 1
    return table


def estimate(parser: TraceParser, firmware: Firmware, timing: CoreTiming, flash: FlashTiming,
             clock_hz: int, invoke: str, num_layers: int) -> CycleEstimate:
    if not parser.seq:
        raise TraceError("QEMU's execution trace is empty")
    table = block_table(parser.blocks, firmware, timing)
    ids = np.frombuffer(parser.seq, dtype=np.uint32).astype(np.int64)
    starts = table.start[ids]
    taken = np.zeros(len(ids), bool)
    taken[:-1] = table.ends_in_branch[ids[:-1]] & (starts[1:] != table.end[ids[:-1]])
    reads = np.flatnonzero(starts == firmware.functions[COUNTER_READ].start)
    calls = np.flatnonzero(starts == firmware.functions[invoke].start)

    def tally(a: int, b: int) -> Tally:
        counts = np.bincount(ids[a:b], minlength=len(table.start))
        taken_counts = np.bincount(ids[a:b], weights=taken[a:b], minlength=len(table.start))
        return Tally(int(counts @ table.instructions),
                     float(counts @ table.static + taken_counts @ table.taken_extra),
                     int(taken_counts.sum()), tuple(int(c) for c in counts @ table.classes),
                     flash.taken_branch_penalty)

    inferences, layers = [], []
    for n, call in enumerate(calls):
        k = int(np.searchsorted(reads, call))
        following = calls[n + 1] if n + 1 < len(calls) else len(ids)
        inside = reads[k:int(np.searchsorted(reads, following))]
        if k == 0 or not len(inside):
            raise TraceError(f"inference {n} in the execution trace lacks the counter reads around it")
        hooks = num_layers > 0 and len(inside) >= 2 * num_layers + 1
        end = inside[2 * num_layers] if hooks else inside[0]
        inferences.append(tally(int(reads[k - 1]), int(end)))
        layers.append(tuple(tally(int(inside[2 * i]), int(inside[2 * i + 1])) for i in range(num_layers))
                      if hooks else ())
    return CycleEstimate(timing.core, timing.approximate, timing.source, clock_hz, flash,
                         tuple(inferences), tuple(layers))


def traced_functions(firmware: Firmware, invoke: str) -> list[str]:
    """What the trace must show: everything the inference calls (directly, or through a pointer
    the image holds), the counter read, and the functions that call either (the caller's
    instructions between the two reads count too; it may reach the inference through a pointer,
    as the bench's model table does, but it reads the counter with a direct call)."""
    if invoke not in firmware.functions or COUNTER_READ not in firmware.functions:
        raise TraceError(f"the firmware has no {invoke} or {COUNTER_READ}: not a bench firmware")
    targets = {firmware.functions[invoke].start, firmware.functions[COUNTER_READ].start}
    callers = {name for name, f in firmware.functions.items()
               if any(dest in targets and f.start <= addr < f.start + f.size
                      for addr, dest in firmware.branch_targets.items())}
    # kernels call some of their parts through pointers (a layer's walk is a params field): every
    # function whose address the image holds is traced, with what it calls
    return sorted(firmware.closure([invoke, COUNTER_READ, *sorted(firmware.pointed_to)]) | callers)


def find_invoke(firmware: Firmware) -> str:
    names = [n for n in firmware.functions if n.endswith("_invoke")]
    if len(names) != 1:
        raise TraceError(f"cannot tell the model's invoke function among {names or 'no *_invoke'}")
    return names[0]
