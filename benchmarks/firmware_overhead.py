"""Firmware besides the model, measured: every int8 model in ../shared/models built for every
emulated board, both environments (bench and self-test), sizes from the linked ELF.

    .venv/bin/python benchmarks/firmware_overhead.py [--boards mps2_an386,...] [--models kws,ad]

Flash overhead = ELF flash - the constants mcugen generates for the model (weights, biases,
multipliers, tables) - baked-in self-test samples: start-up, board glue, bench protocol, libc,
kernel code and model.c. RAM overhead
= static RAM - arena (UART and protocol buffers, counters, libc). The largest of each per board
is what `[firmware]` in the board files records, rounded up to whole KiB; `mcugen build` adds it
to the weights and arena in its fit check.
"""
from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from shared_models import INT8_MODELS, MODELS, boards_and_models  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = boards_and_models(__doc__, argv)
    from mcugen.project.api import build
    header = (f"{'board':<14} {'model':<12} {'env':<9} {'flash':>9} {'constants':>9} {'samples':>8} "
              f"{'flash ovh':>9} {'RAM':>9} {'arena':>8} {'RAM ovh':>8}")
    print(header)
    print("-" * len(header))
    worst: dict[str, tuple[int, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for board in args.boards.split(","):
            for model in args.models.split(","):
                result = build(MODELS / INT8_MODELS[model], board, Path(tmp) / f"{model}_{board}")
                est = result.estimate
                constants = json.loads((result.project.path / "mcugen.json").read_text())["weight_bytes"]
                for env, sizes in result.sizes.items():
                    samples = est.selftest_data if env.endswith("_selftest") else 0
                    flash_ovh = sizes.flash - constants - samples
                    ram_ovh = sizes.ram_other(result.arena_bytes)
                    old = worst.get(board, (0, 0))
                    worst[board] = (max(old[0], flash_ovh), max(old[1], ram_ovh))
                    kind = "selftest" if samples or env.endswith("_selftest") else "bench"
                    print(f"{board:<14} {model:<12} {kind:<9} {sizes.flash:>9,} {constants:>9,} "
                          f"{samples:>8,} {flash_ovh:>9,} {sizes.ram_static:>9,} {result.arena_bytes:>8,} "
                          f"{ram_ovh:>8,}", flush=True)
    print()
    print(f"{'board':<14} {'largest flash overhead':>23} {'largest RAM overhead':>21}")
    for board, (flash, ram) in worst.items():
        print(f"{board:<14} {flash:>23,} {ram:>21,}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
