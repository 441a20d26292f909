"""Will the model fit the board? Checked from the plan, before anything is written or compiled."""
from __future__ import annotations

from dataclasses import dataclass

from mcugen.boards import Board
from mcugen.errors import BoardError
from mcugen.ir import Graph
from mcugen.report import human_bytes

# Firmware besides the model: start-up, board glue, bench protocol buffers, self-test code.
# Measured on mps2_an386 (hello_world: ~3.4 KB flash); rounded up for other compilers.
FIRMWARE_FLASH_ESTIMATE = 16 * 1024
FIRMWARE_RAM_ESTIMATE = 2 * 1024


@dataclass(frozen=True)
class FitEstimate:
    arena: int
    stack: int
    weights: int
    selftest_data: int

    @property
    def ram(self) -> int:
        return self.arena + self.stack + FIRMWARE_RAM_ESTIMATE

    @property
    def flash(self) -> int:
        return self.weights + self.selftest_data + FIRMWARE_FLASH_ESTIMATE


def weight_bytes(graph: Graph) -> int:
    used = {i for op in graph.ops for i in op.inputs if i >= 0}
    return sum(graph.tensor(t).nbytes for t in used if graph.tensor(t).is_constant)


def check_fit(graph: Graph, arena_bytes: int, board: Board, selftest_bytes: int = 0) -> FitEstimate:
    """Raise BoardError with the numbers when the model cannot fit `board`."""
    est = FitEstimate(arena_bytes, board.stack_bytes, weight_bytes(graph), selftest_bytes)
    problems = []
    if est.ram > board.ram_bytes:
        problems.append(f"needs {human_bytes(est.ram)} RAM (arena {human_bytes(est.arena)} + stack "
                        f"{human_bytes(est.stack)} + firmware ~{human_bytes(FIRMWARE_RAM_ESTIMATE)}); "
                        f"{board.name} has {human_bytes(board.ram_bytes)}")
    if est.flash > board.flash_bytes:
        problems.append(f"needs {human_bytes(est.flash)} flash (weights {human_bytes(est.weights)}"
                        + (f" + self-test data {human_bytes(est.selftest_data)}" if est.selftest_data else "")
                        + f" + firmware ~{human_bytes(FIRMWARE_FLASH_ESTIMATE)}); "
                        f"{board.name} has {human_bytes(board.flash_bytes)}")
    if problems:
        raise BoardError(f"{graph.name} does not fit {board.name}: " + "; ".join(problems),
                         hint="pick a board with more memory (`mcugen boards`), or a smaller model")
    return est
