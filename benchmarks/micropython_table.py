"""MicroPython table: every int8 model in ../shared/models as a natmod, run on a MicroPython board
with `mcugen bench --micropython`, every output checked against tflite-micro.

    .venv/bin/python benchmarks/micropython_table.py --mpy-dir ~/micropython --board unix \
        --port ~/micropython/ports/unix/build-standard/micropython
    .venv/bin/python benchmarks/micropython_table.py --mpy-dir ~/micropython --board mps2_an500 \
        --port /dev/pts/3 --mount          # MicroPython's QEMU port, `make run` in ports/qemu

Prints, per model: the .mpy size, the heap its import took (the whole natmod is copied into the
MicroPython heap), weights and arena, the median of `last_ticks_us()` over the runs, and whether
every output byte equals tflite-micro's. Ticks under QEMU are virtual time, not a speed figure.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODELS = (REPO / "../shared/models").resolve()
INT8_MODELS = {
    "hello_world": "hello_world/hello_world_int8.tflite",
    "ad": "ad/ad01_int8.tflite",
    "kws": "kws/kws_ref_model.tflite",
    "ic": "ic/pretrainedResnet_quant.tflite",
    "vww": "vww/vww_96_int8.tflite",
}


def main(argv: list[str] | None = None) -> int:
    from mcugen.convert.tflite_reader import read_graph
    from mcugen.micropython.mpbench import bench_micropython
    from mcugen.micropython.project import write_micropython
    from mcugen.micropython.targets import resolve_target
    from mcugen.report import Reporter

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mpy-dir", required=True, help="MicroPython source tree (builds the natmods)")
    ap.add_argument("--board", default="unix", help="board whose natmod ARCH to build (default unix)")
    ap.add_argument("--port", required=True, help="serial port, or a unix-port micropython binary")
    ap.add_argument("--mount", action="store_true", help="import the natmods through mpremote mount")
    ap.add_argument("--models", nargs="*", default=list(INT8_MODELS))
    ap.add_argument("--json", help="also write the rows as JSON here")
    args = ap.parse_args(argv)

    rep = Reporter()
    target = resolve_target(args.board)
    rows, docs, failed = [], [], False
    with tempfile.TemporaryDirectory(prefix="mcugen-mpy-table-") as tmp:
        for name in args.models:
            tflite = (MODELS / INT8_MODELS[name]).read_bytes()
            out = Path(tmp) / f"{name}_build"
            project = write_micropython(tflite, read_graph(tflite), target, out, name, args.mpy_dir)
            result = bench_micropython(out, args.port, install="mount" if args.mount else "")
            failed |= not result.exact
            doc = {"model": name, "arch": target.arch.name, "mpy_bytes": project.mpy.stat().st_size,
                   "import_bytes": result.import_bytes, "weight_bytes": project.weight_bytes,
                   "arena_bytes": project.arena_bytes, "median_us": result.median_us,
                   "runs": result.runs, "exact": result.exact}
            docs.append(doc)
            rows.append((name, doc["mpy_bytes"], doc["import_bytes"], doc["weight_bytes"],
                         doc["arena_bytes"], f"{result.median_us:g}",
                         "yes" if result.exact else "NO"))
            rep.info(f"{name}: done")
    rep.table(f"natmod {target.arch.name} on {args.board} ({args.port})",
              ["model", ".mpy B", "import heap B", "weights B", "arena B", "ticks_us median",
               "bit-exact"], rows,
              right=(".mpy B", "import heap B", "weights B", "arena B", "ticks_us median"))
    if args.json:
        Path(args.json).write_text(json.dumps(docs, indent=2) + "\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
