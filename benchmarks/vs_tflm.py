"""mcugen versus TensorFlow Lite Micro + CMSIS-NN, measured the way ../shared/notes/tflm-baseline.md
measured the baseline: QEMU netduinoplus2 (STM32F405, Cortex-M4F), -icount shift=0, TIM2 counting
one tick per executed instruction, firmware built at -O2. Every output is checked bit-exactly
against tflite-micro by `mcugen bench`.

    .venv/bin/python benchmarks/vs_tflm.py                    # all five models, the board's kernels (dsp)
    .venv/bin/python benchmarks/vs_tflm.py kws vww --layers   # ... and every layer
    .venv/bin/python benchmarks/vs_tflm.py --variant portable # the reference C kernels instead
    .venv/bin/python benchmarks/vs_tflm.py --board all        # every emulated board, then one table
    .venv/bin/python benchmarks/vs_tflm.py --json out.json

Prints per model: instructions per inference, flash (whole firmware), RAM (arena + peak stack), the
TFLM + CMSIS-NN figures beside them, the ratios and the issue's targets; per op kind the
instructions beside CMSIS-NN's; with --layers every layer. Figures are instructions, not time.
The baseline was measured on netduinoplus2 only: on other boards the ratios are for reference (a
Cortex-M0, RISC-V or Xtensa core runs more instructions for the same work) and no target applies.
A model that does not fit a board (microbit) is listed as NOFIT.
Exit status 1 when an output differs from tflite-micro or a target is missed.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from shared_models import INT8_MODELS as MODEL_FILES, MODELS, TFLM_CMSIS_NN as BASELINE  # noqa: E402
# peak stack of TFLM + CMSIS-NN: the note gives 870-1,370 B; RAM uses the upper end
BASELINE_STACK = 1_370
# instructions per op kind with CMSIS-NN (tflm-baseline.md, "where the time goes")
BASELINE_OPS = {
    "kws": {"CONV_2D": 5_395_575, "DEPTHWISE_CONV_2D": 2_245_564},
    "vww": {"CONV_2D": 17_622_061, "DEPTHWISE_CONV_2D": 6_459_163},
    "ic": {"CONV_2D": 27_493_053, "ADD": 2_337_787},
    "ad": {"FULLY_CONNECTED": 582_984},
}
# issue 15's targets: instructions 0.50x (KWS), 0.35x (VWW), 0.50x (IC), 0.60x (AD) of TFLM +
# CMSIS-NN; flash and RAM (arena + peak stack) no worse than before it (netduinoplus2, 2026-12-05)
TARGETS = {
    "kws": {"instructions": 3_850_000, "flash": 41_520, "ram": 9_956},
    "vww": {"instructions": 8_400_000, "flash": 250_592, "ram": 38_788},
    "ic": {"instructions": 14_900_000, "flash": 93_484, "ram": 35_328},
    "ad": {"instructions": 350_000, "flash": 284_960, "ram": 2_228},
}


def board_with_variant(board: str, variant: str, folder: Path) -> str:
    """A copy of `board` whose kernel_variant is `variant`, in `folder` (MCUGEN_BOARD_PATH)."""
    name = f"{board}_{variant}"
    # the board's name only: its [[memory.regions]] have names too
    text = (REPO / "boards" / f"{board}.toml").read_text().replace(f'name = "{board}"', f'name = "{name}"', 1)
    lines = [f'kernel_variant = "{variant}"' if line.startswith("kernel_variant") else line
             for line in text.splitlines()]
    (folder / f"{name}.toml").write_text("\n".join(lines) + "\n")
    return name


class BuildRefused(Exception):
    """mcugen build refused the model for the board (exit 2 or 3: it does not fit, or no kernel)."""


def run(cmd: list[str], env: dict) -> None:
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    if proc.returncode != 0 and cmd[3] == "build" and "does not fit" in proc.stderr:
        raise BuildRefused(next(line for line in proc.stderr.splitlines() if "does not fit" in line))
    if proc.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")


def measure(name: str, board: str, n: int, work: Path, env: dict, extra: tuple[str, ...] = ()) -> dict:
    """Build `name` for `board` and bench it (`extra`: more bench options); the bench's JSON."""
    model = MODELS / MODEL_FILES[name]
    project, out = work / name, work / f"{name}.json"
    mcugen = [sys.executable, "-m", "mcugen"]
    run([*mcugen, "build", str(model), "--board", board, "-o", str(project)], env)
    run([*mcugen, "bench", str(model), "--emulate", "--project", str(project), "-n", str(n),
         "--json", str(out), *extra], env)
    return json.loads(out.read_text())


def ratio(a: float, b: float | None) -> str:
    return f"{a / b:.2f}x" if b else "-"


def verdict(value: int, limit: int | None) -> str:
    if limit is None:
        return ""
    return f"<= {limit:,} {'ok' if value <= limit else 'MISSED'}"


def report(name: str, r: dict, show_layers: bool, targets: bool = True) -> bool:
    instr = int(r["latency"]["median"])
    flash, ram = int(r["flash_bytes"]), int(r["arena_bytes"]) + int(r["stack_peak_bytes"])
    b_instr, b_arena, b_flash = BASELINE[name]
    b_ram = b_arena + BASELINE_STACK
    t = TARGETS.get(name, {}) if targets else {}
    ok = bool(r["outputs_match"])
    rows = [
        ("instructions / inference", instr, b_instr, t.get("instructions")),
        ("flash (whole firmware)", flash, b_flash, t.get("flash")),
        ("RAM (arena + peak stack)", ram, b_ram, t.get("ram")),
    ]
    print(f"\n{name}: {r['model']} on {r['board']}, outputs {'bit-exact' if ok else 'DIFFER'} "
          f"with tflite-micro ({r['n']} inferences)")
    print(f"  {'':26} {'mcugen':>12} {'TFLM+CMSIS-NN':>14} {'ratio':>7}  target")
    for label, ours, base, limit in rows:
        base_text = f"{base:,}" if base else "-"
        print(f"  {label:26} {ours:>12,} {base_text:>14} {ratio(ours, base):>7}  {verdict(ours, limit)}")
        ok = ok and (limit is None or ours <= limit)
    print(f"  (RAM: arena {int(r['arena_bytes']):,} + stack {int(r['stack_peak_bytes']):,}; "
          f"TFLM: arena_used {b_arena:,} + stack {BASELINE_STACK:,})")
    per_kind: dict[str, float] = {}
    for layer in r["layers"]:
        per_kind[layer["op"]] = per_kind.get(layer["op"], 0) + float(layer["median"])
    base_ops = BASELINE_OPS.get(name, {})
    print(f"  {'per op kind':26} {'mcugen':>12} {'CMSIS-NN':>14} {'ratio':>7}")
    for kind, total in sorted(per_kind.items(), key=lambda kv: -kv[1]):
        base = base_ops.get(kind)
        print(f"  {kind:26} {int(total):>12,} {(f'{base:,}' if base else '-'):>14} {ratio(total, base):>7}")
    if r.get("macs"):
        print(f"  {'MACs / inference':26} {r['macs']:>12,}   instructions per MAC {r['per_mac']:.2f}")
    if show_layers:
        print(f"  {'#':>3} {'layer':22} {'instructions':>12} {'share':>7} {'MACs':>11} {'instr/MAC':>9}")
        for layer in r["layers"]:
            macs = f"{layer['macs']:,}" if layer.get("macs") else "-"
            per_mac = f"{layer['per_mac']:.2f}" if layer.get("per_mac") is not None else "-"
            print(f"  {layer['index']:>3} {layer['op']:22} {int(layer['median']):>12,} {layer['share']:>7.1%}"
                  f" {macs:>11} {per_mac:>9}")
    return ok


def run_board(board_name: str, args) -> tuple[dict, bool]:
    """Every model of `args` on one board: the per-model reports, and the bench results."""
    env = dict(os.environ)
    results, all_ok = {}, True
    with tempfile.TemporaryDirectory(prefix="vs_tflm_") as tmp:
        work = Path(tmp)
        board = board_name
        if args.variant != "board":
            boards = work / "boards"
            boards.mkdir()
            board = board_with_variant(board_name, args.variant, boards)
            env["MCUGEN_BOARD_PATH"] = os.pathsep.join(filter(None, [str(boards), env.get("MCUGEN_BOARD_PATH")]))
        print(f"\nmcugen vs TFLite Micro + CMSIS-NN (-O2), QEMU {board_name}, -icount shift=0, "
              f"instructions counted by the board's timer; kernels: {args.variant}")
        on_baseline_board = board_name == "netduinoplus2"
        if not on_baseline_board:
            print("(the baseline and the targets were measured on netduinoplus2: ratios are for reference, "
                  "targets are not applied)")
        for name in args.models:
            try:
                results[name] = measure(name, board, args.n, work, env)
            except BuildRefused as exc:
                results[name] = f"NOFIT: {exc}"
                print(f"\n{name}: NOFIT on {board_name} ({exc})")
                continue
            all_ok = report(name, results[name], args.layers, targets=on_baseline_board) and all_ok
    return results, all_ok


def summary(results: dict[str, dict[str, dict | str]], models: list[str], variants: dict[str, str]) -> None:
    """One table: instructions per inference (and the ratio to TFLM + CMSIS-NN on netduinoplus2)
    per model and board, and the kernel variant each board used."""
    print("\ninstructions per inference, every board (ratio: to TFLM + CMSIS-NN on netduinoplus2)")
    print(f"  {'board':18} {'kernels':8}" + "".join(f" {m:>20}" for m in models))
    for board, per_model in results.items():
        cells, variant = [], variants[board]
        for m in models:
            r = per_model.get(m)
            if isinstance(r, dict):
                instr = int(r["latency"]["median"])
                cells.append(f"{instr:>12,} {ratio(instr, BASELINE[m][0]):>7}")
            else:
                cells.append(f"{'NOFIT':>20}")
        print(f"  {board:18} {variant:8}" + "".join(f" {c:>20}" for c in cells))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", default=list(MODEL_FILES), help="kws vww ic ad hello_world")
    ap.add_argument("--board", default="netduinoplus2", help="an emulated board, or `all` (every emulated one)")
    ap.add_argument("--variant", choices=("board", "portable", "dsp", "rv32", "mve"), default="board",
                    help="kernels to generate (default: what the board file says)")
    ap.add_argument("-n", type=int, default=3, help="inferences per model (median reported)")
    ap.add_argument("--layers", action="store_true", help="print every layer")
    ap.add_argument("--json", help="write all results to this file")
    args = ap.parse_args()
    unknown = [m for m in args.models if m not in MODEL_FILES]
    if unknown:
        ap.error(f"unknown model(s) {unknown}; choose from {list(MODEL_FILES)}")
    sys.path.insert(0, str(REPO))
    from mcugen.boards import list_boards

    boards = [b.name for b in list_boards() if b.emulated] if args.board == "all" else [args.board]
    results: dict[str, dict[str, dict | str]] = {}
    all_ok = True
    for board in boards:
        results[board], ok = run_board(board, args)
        all_ok = all_ok and ok
    if len(boards) > 1:
        summary(results, args.models, {b.name: b.kernel_variant if args.variant == "board" else args.variant
                                       for b in list_boards() if b.name in boards})
    if args.json:
        # one board: {model: bench JSON}, as before; several: {board: {model: bench JSON or "NOFIT: ..."}}
        Path(args.json).write_text(json.dumps(results if len(boards) > 1 else results[boards[0]], indent=2))
    print("\nall targets met, all outputs bit-exact" if all_ok else "\nSOME TARGET MISSED OR OUTPUT DIFFERS")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
