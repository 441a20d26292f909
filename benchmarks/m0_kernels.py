"""The m0 kernel variant against the portable kernels on an emulated Cortex-M0 (QEMU microbit),
per op kind: every shared model that fits the board (16 KiB RAM, 256 KiB flash), built twice (the
board's m0 kernels; the same board file with `kernel_variant = "portable"`), run with the bench
protocol, every output checked against tflite-micro.

    .venv/bin/python benchmarks/m0_kernels.py [--board microbit] [--models kws,hello_world] [-n 1]

Prints instructions per inference and per op kind (sums of the per-layer medians), portable vs m0.
Figures are instructions under QEMU -icount (62.5-instruction resolution on the microbit's
16 MHz timer), not cycles of a real chip.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from perf_table import bench_one  # noqa: E402
from shared_models import INT8_MODELS  # noqa: E402


def portable_twin(board: str, folder: Path) -> str:
    """A board file of one's own: `board` with the portable kernels (MCUGEN_BOARD_PATH)."""
    from mcugen.boards import BOARDS_DIR, load_board

    variant = load_board(board).kernel_variant
    name = f"{board}_portable"
    text = (BOARDS_DIR / f"{board}.toml").read_text()
    (folder / f"{name}.toml").write_text(text.replace(f'name = "{board}"', f'name = "{name}"')
                                         .replace(f'kernel_variant = "{variant}"', 'kernel_variant = "portable"'))
    return name


def per_kind(doc: dict) -> dict[str, float]:
    kinds: dict[str, float] = defaultdict(float)
    for layer in doc["layers"]:
        kinds[layer["op"]] += layer["median"]
    return kinds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--board", default="microbit")
    ap.add_argument("--models", default="kws,hello_world")
    ap.add_argument("-n", type=int, default=1, help="inferences per model")
    args = ap.parse_args(argv)
    failures = 0
    with tempfile.TemporaryDirectory(prefix="mcugen-m0-") as tmp:
        boards = Path(tmp) / "boards"
        boards.mkdir()
        twin = portable_twin(args.board, boards)
        os.environ["MCUGEN_BOARD_PATH"] = str(boards)
        print(f"{'model':<12} {'op':<20} {'portable':>12} {'m0':>12} {'m0/portable':>12}")
        for model in args.models.split(","):
            if model not in INT8_MODELS:
                raise SystemExit(f"unknown model {model}")
            docs = {}
            for variant, board in (("portable", twin), ("m0", args.board)):
                docs[variant] = bench_one(model, board, args.n, Path(tmp) / variant)
                failures += not docs[variant]["outputs_match"]
            slow, fast = per_kind(docs["portable"]), per_kind(docs["m0"])
            for op in sorted(slow, key=lambda k: -slow[k]):
                if slow[op]:
                    print(f"{model:<12} {op:<20} {slow[op]:>12,.0f} {fast[op]:>12,.0f} {fast[op] / slow[op]:>12.2f}")
            total_slow, total_fast = docs["portable"]["latency"]["median"], docs["m0"]["latency"]["median"]
            print(f"{model:<12} {'(inference)':<20} {total_slow:>12,.0f} {total_fast:>12,.0f} "
                  f"{total_fast / total_slow:>12.2f}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
