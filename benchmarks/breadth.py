"""Breadth: how many of the models a user brings mcugen runs, and how exactly.

    .venv/bin/python benchmarks/breadth.py [--no-qemu] [--board mps2_an386] [--models-dir DIR]
                                           [--samples 8] [--each]
    .venv/bin/python benchmarks/breadth.py --ops      (the README's table of ops, as Markdown)

Every .tflite under ../shared/models (or --models-dir: point it at your own folder), per model:
ops, how many mcugen supports (the first refusal when not all), bit-exact on the host (generated C
with ASan/UBSan against tflite-micro on --samples seeded random inputs, in-place plan), bit-exact
under QEMU on --board (the self-test firmware: inputs baked in, tflite-micro's outputs compared in
the firmware), instructions per inference there (emulator instructions, not cycles), the arena and
the persistent state (recurrent layers' memory, kept between invokes, beside the arena).
Families of single-op models (the SEANet folder's <op><n>.tflite) print one row per family unless
--each. A model tflite-micro itself cannot prepare is marked so, not counted against mcugen.
"""
from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from shared_models import MODELS  # noqa: E402


# The builtin ops the pinned tflite-micro runtime registers (its Register_<OP> symbols: `nm -D` of
# tflite_micro/python/tflite_micro/_runtime.so), without the custom signal-processing kernels.
TFLM_BUILTINS = (
    "ABS ADD ADD_N ARG_MAX ARG_MIN ASSIGN_VARIABLE AVERAGE_POOL_2D BATCH_MATMUL BATCH_TO_SPACE_ND "
    "BROADCAST_ARGS BROADCAST_TO CALL_ONCE CAST CEIL CONCATENATION CONV_2D COS CUMSUM DEPTHWISE_CONV_2D "
    "DEPTH_TO_SPACE DEQUANTIZE DETECTION_POSTPROCESS DIV DYNAMIC_UPDATE_SLICE ELU EMBEDDING_LOOKUP EQUAL "
    "EXP EXPAND_DIMS FILL FLOOR FLOOR_DIV FLOOR_MOD FULLY_CONNECTED GATHER GATHER_ND GREATER GREATER_EQUAL "
    "HARD_SWISH IF L2_NORMALIZATION L2_POOL_2D LEAKY_RELU LESS LESS_EQUAL LOG LOGICAL_AND LOGICAL_NOT "
    "LOGICAL_OR LOGISTIC LOG_SOFTMAX MAXIMUM MAX_POOL_2D MEAN MINIMUM MIRROR_PAD MUL NEG NOT_EQUAL PACK PAD "
    "PADV2 PRELU QUANTIZE READ_VARIABLE REDUCE_ALL REDUCE_MAX REDUCE_MIN RELU RELU6 RESHAPE RESIZE_BILINEAR "
    "RESIZE_NEAREST_NEIGHBOR REVERSE_V2 ROUND RSQRT SELECT_V2 SHAPE SIN SLICE SOFTMAX SPACE_TO_BATCH_ND "
    "SPACE_TO_DEPTH SPLIT SPLIT_V SQRT SQUARE SQUARED_DIFFERENCE SQUEEZE STRIDED_SLICE SUB SUM SVDF TANH "
    "TRANSPOSE TRANSPOSE_CONV UNIDIRECTIONAL_SEQUENCE_LSTM UNPACK VAR_HANDLE WHILE ZEROS_LIKE").split()


def ops_table() -> str:
    """Markdown: every TFLite Micro builtin, whether mcugen generates int8 code for it (and int16
    code, for 16x8 models: the op module's INT16_KINDS), and how
    (the first sentence of its op module), or what rewrites it away (canonicalisation)."""
    from mcugen.ops import REGISTRY

    lines = ["| op | mcugen int8 | int16 (16x8) | how (the op module's own summary) |", "|---|---|---|---|"]
    for kind in sorted(set(TFLM_BUILTINS) | set(REGISTRY)):
        module = REGISTRY.get(kind)
        summary = " ".join((module.__doc__ or "").split("\n\n")[0].split()) if module else ""
        int16 = "yes" if kind in getattr(module, "INT16_KINDS", ()) else "no"
        lines.append(f"| {kind} | {'yes' if module else 'no'} | {int16} | {summary.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


@dataclass
class Row:
    name: str
    ops: int
    supported: int
    first_refusal: str = ""
    host: str = "-"  # "exact", "DIFF", "-" (not run), "tflm refuses"
    qemu: str = "-"
    instructions: int | None = None
    arena: int | None = None
    state: int | None = None  # persistent state bytes (recurrent layers), beside the arena


def check_model(path: Path, workdir: Path, board: str, samples: int, qemu: bool) -> Row:
    from mcugen import pipeline
    from mcugen.convert.tflite_reader import read_graph
    from mcugen.errors import McugenError
    from mcugen.hostrun import compare_with_tflm
    from mcugen.ops import unsupported_ops
    from mcugen.project.api import build
    from mcugen.project.files import random_inputs

    data = path.read_bytes()
    try:
        graph = read_graph(data, name=path.stem)
    except McugenError as exc:
        return Row(path.stem, 0, 0, f"unreadable: {exc.message}")
    problems = unsupported_ops(graph)
    row = Row(path.stem, len(graph.ops), len(graph.ops) - len(problems), problems[0] if problems else "")
    if problems:
        return row
    if not _tflm_accepts(data, workdir):
        row.host = row.qemu = "tflm refuses"
        return row
    library = pipeline.generate(graph, pipeline.Target.for_board(board))
    row.arena = int(library.plan.size)
    row.state = int(library.plan.state_size)
    comparison = compare_with_tflm(data, random_inputs(graph, samples, seed=1), workdir / "host")
    row.host = "exact" if comparison.exact else f"DIFF ({len(comparison.mismatches)})"
    if qemu:
        try:
            result = build(path, board, workdir / "fw", run=True, selftest_only=True)
            row.qemu = "exact" if result.run.passed else "DIFF"
            row.instructions = result.run.instructions_per_inference(result.project.board.counter_hz)
        except McugenError as exc:
            row.qemu = f"error: {exc.message.splitlines()[0][:60]}"
    return row


def _tflm_accepts(model: bytes, workdir: Path) -> bool:
    """tflite-micro aborts the whole process on some models: ask a child process first."""
    import subprocess

    path = workdir / "probe.tflite"
    path.write_bytes(model)
    from mcugen.oracle import DEFAULT_ARENA

    # the oracle's arena: the runtime's default one is too small for some models (SEANet add1)
    probe = ("import sys\nfrom tflite_micro.python.tflite_micro import runtime\n"
             f"runtime.Interpreter.from_bytes(open(sys.argv[1], 'rb').read(), arena_size={DEFAULT_ARENA})\n")
    return subprocess.run([sys.executable, "-c", probe, str(path)], capture_output=True).returncode == 0


def family(name: str) -> str:
    """`conv12` -> `conv`: the SEANet folder's single-op models, one family per op."""
    return re.sub(r"\d+$", "", name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--models-dir", type=Path, default=MODELS)
    parser.add_argument("--board", default="mps2_an386")
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--no-qemu", action="store_true")
    parser.add_argument("--each", action="store_true", help="one row per model, families too")
    parser.add_argument("--ops", action="store_true", help="print the table of ops (Markdown) and stop")
    args = parser.parse_args(argv)
    if args.ops:
        print(ops_table(), end="")
        return 0
    paths = sorted(args.models_dir.rglob("*.tflite"))
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, path in enumerate(paths):
            work = Path(tmp) / f"m{i}"
            work.mkdir()
            rows.append(check_model(path, work, args.board, args.samples, not args.no_qemu))
            print(f"  [{i + 1}/{len(paths)}] {path.relative_to(args.models_dir)}", file=sys.stderr, flush=True)
    grouped: dict[str, list[Row]] = defaultdict(list)
    for path, row in zip(paths, rows):
        in_family = not args.each and path.parent.name == "seanet"
        grouped[f"seanet/{family(row.name)}*" if in_family else str(path.relative_to(args.models_dir))].append(row)
    header = (f"{'model':<44} {'n':>3} {'ops':>5} {'supported':>9} {'host':>8} {'QEMU ' + args.board:>18} "
              f"{'instructions':>13} {'arena':>8} {'state':>6}  first refusal")
    print(header)
    print("-" * len(header))
    for name, group in grouped.items():
        ops, supported = sum(r.ops for r in group), sum(r.supported for r in group)
        host = _summary([r.host for r in group])
        qemu = _summary([r.qemu for r in group])
        # families: the largest member's figures (each member is one layer of the network)
        instr = max((r.instructions for r in group if r.instructions), default=None)
        arena = max((r.arena for r in group if r.arena is not None), default=None)
        state = max((r.state for r in group if r.state is not None), default=None)
        refusal = next((r.first_refusal for r in group if r.first_refusal), "")
        print(f"{name:<44} {len(group):>3} {ops:>5} {supported:>9} {host:>8} {qemu:>18} "
              f"{f'{instr:,}' if instr else '-':>13} {f'{arena:,}' if arena else '-':>8} "
              f"{f'{state:,}' if state is not None else '-':>6}  {refusal[:80]}")
    runnable = [r for r in rows if r.ops and r.supported == r.ops]
    exact = [r for r in runnable if r.host == "exact"]
    print(f"\n{len(rows)} models: {len(runnable)} fully supported, {len(exact)} bit-exact on the host"
          + ("" if args.no_qemu else f", {sum(r.qemu == 'exact' for r in runnable)} bit-exact under QEMU")
          + "; instructions are QEMU -icount instructions, not cycles; for a family of single-op "
            "models (seanet/<op>*) instructions, arena and state are its largest member's")
    return 0


def _summary(values: list[str]) -> str:
    if len(values) == 1:
        return values[0]
    counts: dict[str, int] = defaultdict(int)
    for v in values:
        counts[v] += 1
    return ", ".join(f"{n} {v}" for v, n in counts.items())


if __name__ == "__main__":
    sys.exit(main())
