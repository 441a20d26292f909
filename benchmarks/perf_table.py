"""The project's performance table: every int8 model in ../shared/models, built with `mcugen build`
and run with the bench protocol on an emulated Cortex-M4 (QEMU netduinoplus2 by default: its TIM2
counts every executed instruction under -icount shift=0, exactly as the TFLite Micro baseline in
../shared/notes/tflm-baseline.md was measured), every output checked against tflite-micro.

    .venv/bin/python benchmarks/perf_table.py [--board netduinoplus2] [-n 3] [--json out.json]

Prints instructions per inference (median), how much of it the per-layer counts explain, arena,
peak stack, flash, and TFLite Micro + CMSIS-NN (-O2) beside it. Figures are instructions, not time.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from shared_models import INT8_MODELS, MODELS, TFLM_CMSIS_NN  # noqa: E402


def bench_one(name: str, board: str, n: int, workdir: Path) -> dict:
    from mcugen.bench.client import BenchClient
    from mcugen.bench.emulate import emulate
    from mcugen.bench.session import make_samples, run_session
    from mcugen.boards import load_board
    from mcugen.project.api import build
    from mcugen.elf import elf_sizes
    from mcugen.convert.tflite_reader import read_graph
    from mcugen.oracle import TflmOracle

    path = MODELS / INT8_MODELS[name]
    data = path.read_bytes()
    graph = read_graph(data, name=name)
    start = time.monotonic()
    built = build(path, board, workdir / name).project
    elf = built.elf(built.bench_env)
    board_info = load_board(board)
    with emulate(board_info, elf) as emu:
        client = BenchClient(emu.link, timeout=30, run_timeout=300)
        client.wait_ready()
        result = run_session(client, data, graph, make_samples(graph, n), TflmOracle(data),
                             flash_bytes=elf_sizes(elf, board_info).flash)
        client.exit()
    doc = result.to_json()
    doc["seconds"] = round(time.monotonic() - start, 1)
    return doc


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--board", default="netduinoplus2")
    ap.add_argument("-n", type=int, default=3, help="inferences per model")
    ap.add_argument("--models", nargs="*", default=list(INT8_MODELS), choices=list(INT8_MODELS))
    ap.add_argument("--json", help="also write all results here")
    args = ap.parse_args(argv)

    from mcugen.errors import McugenError
    from mcugen.report import Reporter

    rep = Reporter()
    results, rows = {}, []
    with tempfile.TemporaryDirectory(prefix="mcugen-perf-") as tmp:
        for name in args.models:
            rep.info(f"{name}: build for {args.board}, bench {args.n} inference(s)")
            try:
                doc = bench_one(name, args.board, args.n, Path(tmp))
            except McugenError as exc:
                rep.warn(f"{name}: {exc.message}")
                rows.append((name, "failed", "", "", "", "", "", "", "", exc.message[:60]))
                continue
            results[name] = doc
            rows.append(_row(name, doc))
    rep.table(f"mcugen on {args.board} (QEMU -icount: instructions, not time); TFLM = TFLite Micro + "
              "CMSIS-NN -O2", ["model", "bit-exact", "instr./inference", "vs TFLM", "layers sum",
                               "arena B", "stack B", "RAM B", "flash B", "flash vs TFLM"],
              rows, right=("instr./inference", "vs TFLM", "layers sum", "arena B", "stack B",
                           "RAM B", "flash B", "flash vs TFLM"))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0 if results and all(d["outputs_match"] for d in results.values()) else 1


def _row(name: str, doc: dict) -> tuple:
    instr = doc["latency"]["median"]
    base_instr, _base_ram, base_flash = TFLM_CMSIS_NN[name]
    flash = doc["flash_bytes"]
    return (name, f"{'yes' if doc['outputs_match'] else 'NO'} (n={doc['n']})", f"{instr:,.0f}",
            f"{instr / base_instr:.2f}x", f"{doc['layers_total_ratio']:.1%}", f"{doc['arena_bytes']:,}",
            f"{doc['stack_peak_bytes']:,}", f"{doc['ram_bytes']:,}", f"{flash:,}" if flash else "?",
            f"{flash / base_flash:.2f}x" if flash and base_flash else "")


if __name__ == "__main__":
    sys.exit(main())
