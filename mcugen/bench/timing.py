"""What an executed block of instructions costs in cycles on a Cortex-M4 or M7: an ESTIMATE.

The cycles per instruction kind come from cycle_tables.toml (the Cortex-M4 TRM's table; an
approximate Cortex-M7 one). `block_cost` prices a straight run of instructions (a QEMU
translation block) assuming its last branch falls through, and says what taking it adds; the
caller knows from the trace whether it was taken. Rules beyond the table:
  - M4: an LDR right after an LDR whose destination does not form its address costs
    `load_pipelined` (TRM 3.3.2). Blocks end at branches, which break pipelining anyway; where
    QEMU cuts a block elsewhere, the pipelining across the cut is lost.
  - M7: two adjacent one-cycle instructions issue together unless the second reads or writes
    what the first writes, both access memory, both multiply, or the first is a branch/system.
  - flash: a taken branch adds the board's fetch penalty (`FlashTiming`); sequential fetches
    are taken to be hidden by the flash prefetch buffer.
"""
from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from mcugen.bench.disasm import Insn
from mcugen.errors import McugenError

TABLES = Path(__file__).with_name("cycle_tables.toml")
_MEMORY = {"load", "store", "load_multiple", "store_multiple"}
_MEMORY_KINDS = {"fp_load", "fp_store", "fp_multiple"}


@dataclass(frozen=True)
class CoreTiming:
    core: str
    source: str
    approximate: bool  # the M7's table is; the M4's is the TRM's
    dual_issue: bool
    pipeline_refill: float
    cycles: dict[str, float]

    def cost(self, insn: Insn, after: Insn | None = None) -> float:
        """Cycles of `insn` (a branch not taken), `after` the instruction before it in the block."""
        c = self.cycles
        kind = insn.kind
        if kind in ("load_multiple", "load_multiple_pc", "store_multiple", "fp_multiple"):
            return c["multiple_base"] + c["multiple_per_reg"] * insn.nregs
        if kind == "load" and after is not None and after.kind == "load" \
                and not (after.writes & insn.address_regs):
            return c["load_pipelined"]
        return c[kind]

    def taken_extra(self, insn: Insn) -> float:
        """What taking the branch `insn` adds (0 for instructions that do not write the pc)."""
        return self.pipeline_refill if insn.writes_pc else 0.0


def core_label(core: str) -> str:
    """"cortex-m4" -> "Cortex-M4"."""
    family, _, model = core.partition("-")
    return f"{family.capitalize()}-{model.upper()}" if model else core


def known_cores() -> list[str]:
    return sorted(_tables())


@functools.cache
def _tables() -> dict:
    return tomllib.loads(TABLES.read_text())


def core_timing(core: str) -> CoreTiming:
    table = _tables().get(core)
    if table is None:
        raise McugenError(f"no cycle table for {core} (the estimate knows {', '.join(known_cores())})",
                          hint="run without --estimate-cycles; the instruction counts stay exact")
    return CoreTiming(core, " ".join(table["source"].split()), bool(table["approximate"]),
                      bool(table["dual_issue"]), float(table["pipeline_refill"]),
                      {k: float(v) for k, v in table["cycles"].items()})


@dataclass(frozen=True)
class FlashTiming:
    """How instruction fetch from the board's code memory is priced."""
    wait_states: int
    accelerator: str  # "ART" (ST's prefetch + instruction cache), "cache", or "none"
    taken_branch_penalty: float  # cycles a taken branch adds for fetching its target
    model: str  # one sentence for the report

    @property
    def worst_case_penalty(self) -> float:
        """Every taken branch missing the cache: the full wait states."""
        return float(self.wait_states)


def flash_timing(wait_states: int, accelerator: str) -> FlashTiming:
    if wait_states == 0:
        return FlashTiming(0, accelerator, 0.0, "code runs with no wait states")
    if accelerator.lower() in ("art", "cache"):
        return FlashTiming(wait_states, accelerator, 0.0,
                           f"{wait_states} flash wait states, hidden by the {accelerator} prefetch and "
                           "instruction cache (its misses not modelled)")
    return FlashTiming(wait_states, accelerator, float(wait_states),
                       f"{wait_states} flash wait states on every taken branch (sequential "
                       "fetches prefetched)")


def block_cost(insns: Sequence[Insn], timing: CoreTiming) -> tuple[float, float]:
    """(cycles of the block with its last branch falling through, cycles taking it adds)."""
    if not insns:
        return 0.0, 0.0
    if timing.dual_issue:
        cycles = _dual_issue_cycles(insns, timing)
    else:
        cycles = sum(timing.cost(insn, insns[i - 1] if i else None) for i, insn in enumerate(insns))
    return cycles, timing.taken_extra(insns[-1])


def _dual_issue_cycles(insns: Sequence[Insn], timing: CoreTiming) -> float:
    cycles, i = 0.0, 0
    while i < len(insns):
        first = insns[i]
        cost = timing.cost(first)
        if i + 1 < len(insns) and cost == 1 and timing.cost(insns[i + 1]) == 1 \
                and _pairs(first, insns[i + 1]):
            cycles += 1
            i += 2
        else:
            cycles += cost
            i += 1
    return cycles


def _pairs(first: Insn, second: Insn) -> bool:
    if first.writes_pc or first.cls in ("system", "divide"):
        return False
    if first.writes & (second.reads | second.writes):
        return False
    if _is_memory(first) and _is_memory(second):
        return False
    return not (first.cls == "multiply" and second.cls == "multiply")


def _is_memory(insn: Insn) -> bool:
    return insn.cls in _MEMORY or insn.kind in _MEMORY_KINDS
