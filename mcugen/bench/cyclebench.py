"""`mcugen bench --emulate --estimate-cycles`: trace the run, then estimate its cycles.

    tracing = CycleTracing.prepare(board, elf)   # refuses boards without a timing table, early
    with emulate(board, elf, trace=tracing.reader) as emu: ... bench ...; QEMU exits
    result = tracing.finish(result)              # BenchResult with .estimate set
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from mcugen.bench.disasm import Firmware, read_firmware
from mcugen.bench.estimate import estimate, find_invoke, traced_functions
from mcugen.bench.session import BenchResult
from mcugen.bench.timing import CoreTiming, FlashTiming, core_timing, flash_timing
from mcugen.bench.trace import TraceReader
from mcugen.boards import Board
from mcugen.errors import McugenError


@dataclass
class CycleTracing:
    board: Board
    firmware: Firmware
    timing: CoreTiming
    flash: FlashTiming
    invoke: str
    reader: TraceReader

    @classmethod
    def prepare(cls, board: Board, elf: Path | None) -> "CycleTracing":
        if not board.emulated or elf is None:
            raise McugenError("--estimate-cycles needs --emulate: it prices what QEMU traces",
                              hint="on a real board the counts are cycles already")
        timing = core_timing(board.core)
        firmware = read_firmware(elf, board.toolchain_prefix)
        invoke = find_invoke(firmware)
        ranges = [(firmware.functions[name].start, firmware.functions[name].size)
                  for name in traced_functions(firmware, invoke)]
        return cls(board, firmware, timing, flash_timing(board.flash_wait_states, board.flash_accelerator),
                   invoke, TraceReader(ranges))

    def finish(self, result: BenchResult, timeout: float = 60.0) -> BenchResult:
        """Read the rest of the trace (QEMU has exited), estimate, check it against the
        firmware's own instruction counts, and attach it to `result`."""
        parser = self.reader.finish(timeout)
        est = estimate(parser, self.firmware, self.timing, self.flash, self.board.clock_hz,
                       self.invoke, len(result.layer_names))
        est.check_against(result.totals, result.layer_counts, result.resolution)
        return dataclasses.replace(result, estimate=est)

    def close(self) -> None:
        self.reader.close()
