"""A board file's copy that selects another kernel variant, as a user's own board file would."""
from __future__ import annotations

from pathlib import Path

from mcugen.boards import BOARDS_DIR, load_board


def board_with_variant(name: str, variant: str, folder: Path, monkeypatch) -> str:
    """`name` itself when it already selects `variant`, else a copy of its board file named
    `<name>_<variant>` that does, in `folder` (put on MCUGEN_BOARD_PATH for the test)."""
    if load_board(name).kernel_variant == variant:
        return name
    copy = f"{name}_{variant}"
    text = (BOARDS_DIR / f"{name}.toml").read_text().replace(f'name = "{name}"', f'name = "{copy}"', 1)
    lines = [f'kernel_variant = "{variant}"' if line.startswith("kernel_variant") else line
             for line in text.splitlines()]  # the board's name only: [[memory.regions]] have names too
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{copy}.toml").write_text("\n".join(lines) + "\n")
    monkeypatch.setenv("MCUGEN_BOARD_PATH", str(folder))
    return copy


def instructions_with_variant(model: Path, board: str, variant: str, folder: Path, monkeypatch) -> int:
    """Instructions per inference of `model` on emulated `board` with the `variant` kernels (a
    board-file copy when the board's own selects others), its self-test passing."""
    from mcugen.project.api import build

    name = board_with_variant(board, variant, folder / "boards", monkeypatch)
    result = build(model, name, folder / variant, run=True)
    assert result.run is not None and result.run.passed, result.run and result.run.console
    return result.run.instructions_per_inference(load_board(board).counter_hz)
