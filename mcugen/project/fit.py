"""Will the model fit the board? Checked from the plan, before anything is written or compiled.

RAM = arena + stack reserve + the firmware's own static data; flash = the model's constants +
baked-in self-test samples + the firmware's own code. The firmware's share is the board file's
`[firmware]` table: measured from real builds where they run here (emulated boards, by
benchmarks/firmware_overhead.py), an estimate with its source where they cannot (vendor
frameworks: STM32Cube, ESP-IDF). Above FULL_WARNING of either the build warns; above all of it,
it stops.
"""
from __future__ import annotations

from dataclasses import dataclass

from mcugen.boards import Board
from mcugen.errors import BoardError
from mcugen.ir import Graph
from mcugen.report import human_bytes

FULL_WARNING = 0.90


@dataclass(frozen=True)
class FitEstimate:
    arena: int
    stack: int
    weights: int  # constants in flash: the model's weights (and mcugen's per-channel data, once generated)
    selftest_data: int
    firmware_flash: int = 0
    firmware_ram: int = 0

    @property
    def ram(self) -> int:
        return self.arena + self.stack + self.firmware_ram

    @property
    def flash(self) -> int:
        return self.weights + self.selftest_data + self.firmware_flash


def weight_bytes(graph: Graph) -> int:
    used = {i for op in graph.ops for i in op.inputs if i >= 0}
    return sum(graph.tensor(t).nbytes for t in used if graph.tensor(t).is_constant)


def check_fit(graph: Graph, arena_bytes: int, board: Board, selftest_bytes: int = 0,
              constant_bytes: int | None = None, name: str | None = None) -> FitEstimate:
    """Raise BoardError with the numbers when the model cannot fit `board`. `constant_bytes`:
    what codegen emits as constants (weights, biases, multipliers); the model's weights if None.
    `name`: what the message calls it (several models: all of them; default the graph's name)."""
    est = FitEstimate(arena_bytes, board.stack_bytes,
                      weight_bytes(graph) if constant_bytes is None else constant_bytes,
                      selftest_bytes, board.firmware_flash_bytes, board.firmware_ram_bytes)
    firmware = f"firmware ~{{}} ({board.firmware_source.split(':')[0]}, see the board file)"
    problems = []
    if est.ram > board.ram_bytes:
        problems.append(f"needs {human_bytes(est.ram)} RAM (arena {human_bytes(est.arena)} + stack "
                        f"{human_bytes(est.stack)} + " + firmware.format(human_bytes(est.firmware_ram))
                        + f"); {board.name} has {human_bytes(board.ram_bytes)}")
    if est.flash > board.flash_bytes:
        problems.append(f"needs {human_bytes(est.flash)} flash (weights {human_bytes(est.weights)}"
                        + (f" + self-test data {human_bytes(est.selftest_data)}" if est.selftest_data else "")
                        + " + " + firmware.format(human_bytes(est.firmware_flash)) + "); "
                        f"{board.name} has {human_bytes(board.flash_bytes)}")
    if problems:
        raise BoardError(f"{name or graph.name} does not fit {board.name}: " + "; ".join(problems),
                         hint="pick a board with more memory (`mcugen boards`), or a smaller model")
    return est


def fit_warnings(est: FitEstimate, board: Board) -> list[str]:
    """Memories filled beyond FULL_WARNING: the build still fits, but with little to spare."""
    out = []
    for what, used, has in (("RAM", est.ram, board.ram_bytes), ("flash", est.flash, board.flash_bytes)):
        if used > FULL_WARNING * has:
            out.append(f"{board.name}'s {what} is {100 * used / has:.0f}% full ({human_bytes(used)} of "
                       f"{human_bytes(has)}, the firmware's share {board.firmware_source.split(':')[0]}); "
                       "little is left for your application")
    return out
