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
from mcugen.project.isa_objects import ObjectReport, SectionSizes
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


@dataclass(frozen=True)
class MeasuredFit:
    """The fit of a real board once its portable sources were compiled for its ISA: the objects
    (the env that needs the most flash) measured, the vendor framework estimated."""

    objects: SectionSizes
    stack: int
    framework_flash: int
    framework_ram: int

    @property
    def flash(self) -> int:
        return self.objects.flash + self.framework_flash

    @property
    def ram(self) -> int:
        return self.objects.ram + self.stack + self.framework_ram


def check_measured_fit(model_name: str, report: ObjectReport, board: Board) -> MeasuredFit:
    """Raise BoardError with the numbers when the measured objects plus the framework exceed
    `board`; the same check as check_fit, with mcugen's share measured instead of estimated."""
    fit = MeasuredFit(report.largest, board.stack_bytes, board.framework_flash_bytes,
                      board.framework_ram_bytes)
    framework = f"framework ~{{}} ({board.firmware_source.split(':')[0]}, see the board file)"
    problems = []
    if fit.ram > board.ram_bytes:
        problems.append(f"needs {human_bytes(fit.ram)} RAM ({report.isa} objects' data + bss "
                        f"{human_bytes(fit.objects.ram)} + stack {human_bytes(fit.stack)} + "
                        + framework.format(human_bytes(fit.framework_ram)) + f"); {board.name} has "
                        f"{human_bytes(board.ram_bytes)}")
    if fit.flash > board.flash_bytes:
        problems.append(f"needs {human_bytes(fit.flash)} flash ({report.isa} objects' text + rodata "
                        f"+ data {human_bytes(fit.objects.flash)} + "
                        + framework.format(human_bytes(fit.framework_flash)) + f"); {board.name} has "
                        f"{human_bytes(board.flash_bytes)}")
    if problems:
        raise BoardError(f"{model_name} does not fit {board.name}: " + "; ".join(problems),
                         hint="pick a board with more memory (`mcugen boards`), or a smaller model")
    return fit


def fit_warnings(est: FitEstimate | MeasuredFit, board: Board) -> list[str]:
    """Memories filled beyond FULL_WARNING: the build still fits, but with little to spare."""
    out = []
    for what, used, has in (("RAM", est.ram, board.ram_bytes), ("flash", est.flash, board.flash_bytes)):
        if used > FULL_WARNING * has:
            out.append(f"{board.name}'s {what} is {100 * used / has:.0f}% full ({human_bytes(used)} of "
                       f"{human_bytes(has)}, the firmware's share {board.firmware_source.split(':')[0]}); "
                       "little is left for your application")
    return out
