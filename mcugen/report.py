"""The only module that talks to the user: stage lines, warnings, progress bars and tables.

Human text goes to stderr; results (tables, JSON) go to stdout, so `mcugen x --json | jq` works.
Progress bars are drawn only when stderr is a terminal.
"""
from __future__ import annotations

import contextlib
import json
import os
import sys
from typing import Any, Iterable, Iterator, Sequence

from rich.console import Console
from rich.measure import Measurement
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table


class Reporter:
    def __init__(self, quiet: bool = False, verbose: bool = False, progress: bool = True):
        self.quiet = quiet
        self.verbose = verbose
        self.err = Console(stderr=True, highlight=False, soft_wrap=True)
        self.out = Console(highlight=False, soft_wrap=True)
        if not self.out.is_terminal and "COLUMNS" not in os.environ:
            self.out.width = 160  # piped tables: rich's default 80 columns would cut op names
        self.show_progress = progress and self.err.is_terminal and not quiet

    # -- lines -------------------------------------------------------------------------------
    def stage(self, step: int, total: int, name: str, detail: str = "") -> None:
        if not self.quiet:
            self.err.print(f"[bold][{step}/{total}][/bold] {name:<9} {detail}".rstrip(), markup=True)

    def info(self, text: str) -> None:
        if not self.quiet:
            self.err.print(text, markup=False)

    def debug(self, text: str) -> None:
        if self.verbose:
            self.err.print(text, markup=False, style="dim")

    def warn(self, text: str) -> None:
        self.err.print(f"warning: {text}", markup=False, style="bold yellow")

    def error(self, text: str, hint: str | None = None) -> None:
        self.err.print(f"error: {text}", markup=False, style="bold red")
        if hint:
            self.err.print(f"  hint: {hint}", markup=False)

    # -- results (stdout) --------------------------------------------------------------------
    def json(self, obj: Any) -> None:
        sys.stdout.write(json.dumps(obj, indent=2) + "\n")
        sys.stdout.flush()

    def table(self, title: str | None, columns: Sequence[str], rows: Iterable[Sequence[Any]],
              footer: Sequence[Any] | None = None, right: Sequence[str] = ()) -> None:
        t = Table(title=title, show_footer=footer is not None, title_justify="left")
        for i, col in enumerate(columns):
            t.add_column(col, justify="right" if col in right else "left", no_wrap=True,
                         footer=str(footer[i]) if footer is not None else "")
        for row in rows:
            t.add_row(*(str(c) for c in row))
        # A table wider than the terminal is printed whole (the terminal wraps lines) rather than
        # squeezed: cut numbers or op names would be wrong, not just ugly.
        natural = Measurement.get(self.out, self.out.options.update_width(100_000), t).maximum
        width = self.out.width
        self.out.width = max(width, natural)
        try:
            self.out.print(t)
        finally:
            self.out.width = width

    def text(self, text: str) -> None:
        self.out.print(text, markup=False)

    # -- progress ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def progress(self, description: str, total: int | None) -> Iterator["_Advance"]:
        if not self.show_progress:
            yield _Advance(None, None)
            return
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                      TimeElapsedColumn(), console=self.err, transient=True) as p:
            task = p.add_task(description, total=total)
            yield _Advance(p, task)


class _Advance:
    def __init__(self, progress: Progress | None, task: Any):
        self._p, self._t = progress, task

    def __call__(self, n: int = 1) -> None:
        if self._p is not None:
            self._p.advance(self._t, n)


def human_bytes(n: int) -> str:
    """1536 -> '1.5 KiB'; exact bytes stay in JSON, this is for people."""
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KiB"
    return f"{n / (1024 * 1024):.2f} MiB"
