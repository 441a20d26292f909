"""mcugen's ESTIMATED Cortex-M4 cycles per inference beside the MLPerf Tiny figures measured on
hardware (NUCLEO-L4R5ZI: STM32L4R5, Cortex-M4F at 120 MHz, running from flash with 5 wait states
and the ART accelerator; ../shared/notes/anchors.md: X-CUBE-AI 9.0 for KWS, VWW, IC, Plumerai
for AD, published ms x 120 MHz).

    .venv/bin/python benchmarks/cycles_vs_mlperf.py                # kws vww ic ad
    .venv/bin/python benchmarks/cycles_vs_mlperf.py kws ad -n 3 --json out.json
    .venv/bin/python benchmarks/cycles_vs_mlperf.py --m7           # + the approximate M7 estimate

Each model is built for netduinoplus2 (QEMU's STM32F405, the same Cortex-M4 core) and run by
`mcugen bench --emulate --estimate-cycles` (every output bit-exact with tflite-micro): exact
executed instructions, and an estimate of the cycles they take, priced by the Cortex-M4 TRM's
timings (mcugen/bench/cycle_tables.toml) with nucleo_l4r5zi's flash parameters and clock.

The comparison is INDICATIVE: an estimate against a measurement, another board and flash, other
software. The estimate leaves out flash-cache misses (instruction and weight fetches through the
ART), bus contention and IT-skipped instructions' savings; the worst-case column charges the
5 wait states on every taken branch. With --m7 the same models run on mps2_an500 (a Cortex-M7
build) and are priced by the approximate M7 table beside STM32H7A3 (M7, 280 MHz) best results.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vs_tflm import REPO, measure  # noqa: E402

sys.path.insert(0, str(REPO))
from mcugen.bench.timing import flash_timing  # noqa: E402
from mcugen.boards import load_board  # noqa: E402

# cycles per inference measured on hardware (anchors.md: published ms x clock)
MLPERF_M4 = {"kws": (5_180_000, "X-CUBE-AI 9.0"), "vww": (10_670_000, "X-CUBE-AI 9.0"),
             "ic": (19_820_000, "X-CUBE-AI 9.0"), "ad": (486_000, "Plumerai")}
MLPERF_M7 = {"kws": 11.3, "vww": 23.8, "ic": 40.9, "ad": 1.08}  # STM32H7A3 at 280 MHz, best, ms
M4_EMULATED, M4_TARGET = "netduinoplus2", "nucleo_l4r5zi"
M7_EMULATED, M7_CLOCK = "mps2_an500", 280_000_000


def price(est: dict, target_board: str | None) -> tuple[float, float]:
    """(estimated cycles, worst case) with `target_board`'s flash (None: the run's own)."""
    if target_board is None:
        return est["cycles"]["median"], est["flash_worst_case_cycles"]
    board = load_board(target_board)
    flash = flash_timing(board.flash_wait_states, board.flash_accelerator)
    core, taken = est["core_cycles"], est["taken_branches"]
    return core + taken * flash.taken_branch_penalty, core + taken * flash.worst_case_penalty


def m4_table(results: dict) -> None:
    target = load_board(M4_TARGET)
    mhz = target.clock_hz / 1e6
    print(f"\nCortex-M4: exact instructions (QEMU {M4_EMULATED}) and ESTIMATED cycles with {M4_TARGET}'s "
          f"{target.flash_wait_states} flash wait states + {target.flash_accelerator} at {mhz:g} MHz, beside "
          "MLPerf Tiny measured on that board")
    print(f"  {'model':5} {'instructions':>12} {'instr/MAC':>9} {'est. cycles':>12} {'est. cyc/MAC':>12} "
          f"{'est. ms':>8} {'measured':>11} {'by':14} {'est./meas.':>10} {'worst/meas.':>11}")
    for name, r in results.items():
        est = r["cycle_estimate"]
        cycles, worst = price(est, M4_TARGET)
        measured, who = MLPERF_M4[name]
        print(f"  {name:5} {est['instructions']:>12,} {r['per_mac']:>9.2f} {cycles:>12,.0f} "
              f"{cycles / r['macs']:>12.2f} {cycles / target.clock_hz * 1e3:>8.2f} {measured:>11,} {who:14} "
              f"{cycles / measured:>9.2f}x {worst / measured:>10.2f}x")


def m7_table(results: dict) -> None:
    print(f"\nCortex-M7 (approximate table: dual issue), QEMU {M7_EMULATED}, beside the best STM32H7A3 "
          f"results at {M7_CLOCK / 1e6:g} MHz")
    print(f"  {'model':5} {'instructions':>12} {'est. cycles':>12} {'cyc/instr':>9} {'measured':>11} {'est./meas.':>10}")
    for name, r in results.items():
        est = r["cycle_estimate"]
        cycles, _worst = price(est, None)
        measured = MLPERF_M7[name] * M7_CLOCK / 1e3
        print(f"  {name:5} {est['instructions']:>12,} {cycles:>12,.0f} {cycles / est['instructions']:>9.2f} "
              f"{measured:>11,.0f} {cycles / measured:>9.2f}x")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", default=list(MLPERF_M4), help="kws vww ic ad")
    ap.add_argument("-n", type=int, default=1, help="inferences per model (median reported)")
    ap.add_argument("--m7", action="store_true", help="also the approximate Cortex-M7 estimate")
    ap.add_argument("--json", help="write the bench results to this file")
    args = ap.parse_args()
    unknown = [m for m in args.models if m not in MLPERF_M4]
    if unknown:
        ap.error(f"unknown model(s) {unknown}; choose from {list(MLPERF_M4)}")
    assert load_board(M4_EMULATED).core == load_board(M4_TARGET).core == "cortex-m4"
    env, ok, doc = dict(os.environ), True, {}
    with tempfile.TemporaryDirectory(prefix="cycles_") as tmp:
        work = Path(tmp)
        runs = [("m4", M4_EMULATED)] + ([("m7", M7_EMULATED)] if args.m7 else [])
        for label, board in runs:
            (work / label).mkdir()
            doc[label] = {name: measure(name, board, args.n, work / label, env, ("--estimate-cycles",))
                          for name in args.models}
            ok = ok and all(r["outputs_match"] for r in doc[label].values())
    m4_table(doc["m4"])
    if args.m7:
        m7_table(doc["m7"])
    print("\nESTIMATES, not measurements: indicative only (another board, flash and software; flash-cache "
          "misses and bus stalls not modelled). Instructions are exact; every output bit-exact"
          + ("." if ok else ": NO, SOME OUTPUT DIFFERS"))
    if args.json:
        Path(args.json).write_text(json.dumps(doc, indent=2))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
