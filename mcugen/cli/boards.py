"""`mcugen boards`: the boards mcugen can build for, with their memory."""
from __future__ import annotations

import click

from mcugen.boards import list_boards
from mcugen.report import human_bytes


@click.command("boards")
@click.option("--json", "as_json", is_flag=True, help="Print the boards as JSON (exact bytes).")
@click.pass_obj
def command(state, as_json: bool) -> None:
    """List the boards `mcugen build --board` takes, with flash, RAM and how time is counted.

    \b
    Emulated boards run under QEMU right here (`mcugen build --run`); real boards get a
    PlatformIO project to build and flash on a machine with the board attached.

    \b
    Examples:
      mcugen boards
      mcugen boards --json | jq '.[] | select(.emulated) | .name'
    """
    boards = list_boards()
    if as_json:
        state.reporter.json([{
            "name": b.name, "description": b.description, "core": b.core, "emulated": b.emulated,
            "clock_hz": b.clock_hz, "flash_bytes": b.flash_bytes, "ram_bytes": b.ram_bytes,
            "stack_bytes": b.stack_bytes, "arena_region": b.arena_region, "counter": b.counter,
            "pio_board": b.pio_board, "pio_framework": b.pio_framework,
            "ram_regions": [{"name": r.name, "bytes": r.size, "speed": r.speed, "section": r.section or None}
                            for r in b.memory_regions],
        } for b in boards])
        return
    rows = [(b.name, b.core,
             f"QEMU {b.qemu_machine}" if b.emulated else f"real, {b.clock_hz / 1e6:g} MHz",
             human_bytes(b.flash_bytes), human_bytes(b.ram_bytes), b.counter,
             ", ".join(f"{r.name} {human_bytes(r.size)}" for r in b.regions) or "-")
            for b in boards]
    state.reporter.table("Boards", ["board", "core", "runs on", "flash", "RAM", "counts",
                                    "RAM regions, fastest first"], rows, right=("flash", "RAM"))
