"""The Xtensa table: every int8 model in ../shared/models on the emulated LX106 (QEMU sim,
xtensa_lx106_sim; its ICOUNT counts every executed instruction), with the portable kernels and
with the xtensa variant, every output checked against tflite-micro; instructions per inference and
per op kind. Then the ESP32 build of each model: its sources compiled for the ESP32's ISA
(clang-22/llc-22 -mcpu=esp32), the objects' sections.

    .venv/bin/python benchmarks/xtensa_table.py [--models kws,ad] [-n 1] [--no-esp32]

Figures are instructions on an emulated core, not time on a chip.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from perf_table import bench_one  # noqa: E402
from shared_models import INT8_MODELS, MODELS  # noqa: E402

BOARD = "xtensa_lx106_sim"
PORTABLE = "xtensa_lx106_sim_portable"


def portable_board(folder: Path) -> None:
    """The same board with the portable kernels, as a user's board file would say."""
    from mcugen.boards import BOARDS_DIR

    text = (BOARDS_DIR / f"{BOARD}.toml").read_text()
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{PORTABLE}.toml").write_text(
        text.replace(f'name = "{BOARD}"', f'name = "{PORTABLE}"')
        .replace('kernel_variant = "xtensa"', 'kernel_variant = "portable"'))
    os.environ["MCUGEN_BOARD_PATH"] = os.pathsep.join(
        [str(folder), *filter(None, os.environ.get("MCUGEN_BOARD_PATH", "").split(os.pathsep))])


def per_kind(doc: dict) -> dict[str, int]:
    kinds: dict[str, int] = defaultdict(int)
    for layer in doc["layers"]:
        kinds[layer["op"]] += int(layer["median"])
    return kinds


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--models", default=",".join(INT8_MODELS))
    ap.add_argument("-n", type=int, default=1, help="inferences per model and variant")
    ap.add_argument("--no-esp32", action="store_true", help="skip the ESP32 object sizes")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(REPO))
    from mcugen.report import Reporter

    rep = Reporter()
    models = args.models.split(",")
    rows, kind_rows, exact = [], [], True
    with tempfile.TemporaryDirectory(prefix="mcugen-xtensa-") as tmp:
        portable_board(Path(tmp) / "boards")
        for name in models:
            docs = {}
            for variant, board in (("portable", PORTABLE), ("xtensa", BOARD)):
                docs[variant] = bench_one(name, board, args.n, Path(tmp) / variant)
                exact &= docs[variant]["outputs_match"]
            slow, fast = (docs[v]["latency"]["median"] for v in ("portable", "xtensa"))
            rows.append((name, "yes" if all(d["outputs_match"] for d in docs.values()) else "NO",
                         f"{slow:,.0f}", f"{fast:,.0f}", f"{slow / fast:.2f}x",
                         f"{docs['portable']['flash_bytes']:,}", f"{docs['xtensa']['flash_bytes']:,}"))
            slow_k, fast_k = per_kind(docs["portable"]), per_kind(docs["xtensa"])
            for kind in sorted(slow_k, key=lambda k: -slow_k[k]):
                if slow_k[kind] >= 0.01 * slow:
                    kind_rows.append((name, kind, f"{slow_k[kind]:,}", f"{fast_k[kind]:,}",
                                      f"{slow_k[kind] / max(fast_k[kind], 1):.2f}x"))
    rep.table(f"{BOARD} (QEMU sim, LX106): instructions per inference, median of {args.n}",
              ["model", "bit-exact", "portable", "xtensa", "speed-up", "flash portable", "flash xtensa"],
              rows, right=("portable", "xtensa", "speed-up", "flash portable", "flash xtensa"))
    rep.table("per op kind (kinds with at least 1% of the portable total)",
              ["model", "op", "portable", "xtensa", "speed-up"], kind_rows,
              right=("portable", "xtensa", "speed-up"))
    if not args.no_esp32:
        esp32_sizes(rep, models)
    return 0 if exact else 1


def esp32_sizes(rep, models: list[str]) -> None:
    from mcugen.project.api import build

    rows = []
    with tempfile.TemporaryDirectory(prefix="mcugen-esp32-") as tmp:
        for name in models:
            result = build(MODELS / INT8_MODELS[name], "esp32", Path(tmp) / name, compile_mode="auto")
            if result.objects is None:
                rows.append((name, "not measured (no clang-22 here?)", "", "", "", "", ""))
                continue
            model, bench = result.objects.parts["model + kernels"], result.objects.envs["esp32"]
            rows.append((name, f"{model.text:,}", f"{model.rodata:,}", f"{model.data:,}", f"{model.bss:,}",
                         f"{bench.flash:,}", f"{result.measured.flash:,} / {result.measured.ram:,}"))
    rep.table("esp32 (xtensa kernels): model + kernels compiled for the ESP32's ISA, bytes",
              ["model", "text", "rodata", "data", "bss", "bench env flash", "fit: flash / RAM with ESP-IDF (est.)"],
              rows, right=("text", "rodata", "data", "bss", "bench env flash"))


if __name__ == "__main__":
    sys.exit(main())
