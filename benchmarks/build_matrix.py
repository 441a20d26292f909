"""The build matrix: every int8 model in ../shared/models on every emulated board, through
`mcugen build --run` (self-test environment), every output byte checked against tflite-micro.

    .venv/bin/python benchmarks/build_matrix.py [--boards mps2_an386,riscv32_virt] [--models kws,ad]

Prints, per (model, board): PASS/FAIL, instructions per inference (QEMU -icount shift=0; exact on
netduinoplus2, riscv32_virt and xtensa_lx106_sim, 40 / 31.25 / 50 / 62.5-instruction resolution on the
mps2 / mps3 / mps2_an505 / microbit timers), flash and static RAM of the firmware, and the wall time
of the build (convert to ELF); NOFIT where the fit check refuses the model (the microbit's 16 KiB RAM
and 256 KiB flash take KWS and hello_world only). Figures are instructions, not time on a real chip.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from shared_models import INT8_MODELS, MODELS, boards_and_models  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    args = boards_and_models(__doc__, argv)
    from mcugen.project.api import build
    from mcugen.errors import BoardError, McugenError

    header = f"{'model':<12} {'board':<14} {'result':<6} {'instructions':>13} {'flash':>9} {'RAM':>9} {'build s':>8}"
    print(header)
    print("-" * len(header))
    failures = 0
    with tempfile.TemporaryDirectory() as tmp:
        for model in args.models.split(","):
            for board in args.boards.split(","):
                start = time.monotonic()
                try:
                    result = build(MODELS / INT8_MODELS[model], board, Path(tmp) / f"{model}_{board}",
                                   run=True, selftest_only=True)
                except McugenError as exc:
                    if isinstance(exc, BoardError) and "does not fit" in exc.message:
                        print(f"{model:<12} {board:<14} {'NOFIT':<6} {exc.message.split(': ', 1)[-1][:90]}")
                        continue
                    failures += 1
                    print(f"{model:<12} {board:<14} {'ERROR':<6} {exc.message.splitlines()[0]}")
                    continue
                seconds = time.monotonic() - start
                run, sizes = result.run, result.sizes[f"{board}_selftest"]
                instructions = run.instructions_per_inference(result.project.board.counter_hz)
                failures += not run.passed
                print(f"{model:<12} {board:<14} {'PASS' if run.passed else 'FAIL':<6} {instructions:>13,} "
                      f"{sizes.flash:>9,} {sizes.ram_static:>9,} {seconds:>8.1f}", flush=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
