"""INT4 weights on a DSP board: instructions per op kind and weight flash, int8 beside int4.

Two int4 models: MLPerf Tiny AD (../shared/models/ad, dense layers only) and a small seeded CNN
(CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED), both made int4 by mcugen.convert.int4_weights. Each
runs on QEMU netduinoplus2 (-icount shift=0, TIM2 counts instructions; vs_tflm.py's setting) with
the int8 model's dsp kernels, the int4 model's portable `_s4` kernels and its dsp ones; every
output is checked bit-exactly against tflite-micro by `mcugen bench`.

    .venv/bin/python benchmarks/int4_dsp.py [ad cnn] [--board netduinoplus2] [-n 3]

Exit status 1 when an output differs from tflite-micro.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shared_models import MODELS, REPO  # noqa: E402
from vs_tflm import board_with_variant  # noqa: E402

sys.path.insert(0, str(REPO))
CASES = ("int8 dsp", "int4 portable", "int4 dsp")


def small_cnn() -> bytes:
    """32x32x3 -> conv 3x3/16 -> dw 3x3 -> conv 1x1/32 -> dw 3x3/2 -> conv 1x1/32 -> pool -> dense 10."""
    from tests.support.oracle import seeded_model, to_int8

    def build(k, x):
        x = k.layers.Conv2D(16, 3, padding="same", activation="relu")(x)
        x = k.layers.DepthwiseConv2D(3, padding="same", activation="relu")(x)
        x = k.layers.Conv2D(32, 1, activation="relu")(x)
        x = k.layers.DepthwiseConv2D(3, strides=2, padding="same", activation="relu")(x)
        x = k.layers.Conv2D(32, 1, activation="relu")(x)
        x = k.layers.GlobalAveragePooling2D()(x)
        return k.layers.Dense(10, activation="softmax")(x)

    model, rng = seeded_model(build, (32, 32, 3), seed=4)
    return to_int8(model, rng=rng, low=-1, high=1)


def models(names: list[str]) -> dict[str, bytes]:
    out = {}
    for name in names:
        out[name] = ((MODELS / "ad/ad01_int8.tflite").read_bytes() if name == "ad" else small_cnn())
    return out


def weight_bytes(model: bytes, variant: str) -> int:
    from mcugen import pipeline
    from mcugen.convert.tflite_reader import read_graph

    return pipeline.generate(read_graph(model), pipeline.Target(variant)).sources.weight_bytes


def measure(path: Path, board: str, n: int, work: Path, env: dict) -> dict:
    project, out = work / f"{path.stem}_{board}", work / f"{path.stem}_{board}.json"
    mcugen = [sys.executable, "-m", "mcugen"]
    for cmd in ([*mcugen, "build", str(path), "--board", board, "-o", str(project)],
                [*mcugen, "bench", str(path), "--emulate", "--project", str(project), "-n", str(n),
                 "--json", str(out)]):
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
        if proc.returncode:
            sys.exit(f"{' '.join(cmd)} failed:\n{proc.stdout[-3000:]}{proc.stderr[-3000:]}")
    return json.loads(out.read_text())


def per_kind(result: dict) -> dict[str, int]:
    kinds: dict[str, int] = {}
    for layer in result["layers"]:
        kinds[layer["op"]] = kinds.get(layer["op"], 0) + int(layer["median"])
    return kinds


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("models", nargs="*", default=["ad", "cnn"])
    ap.add_argument("--board", default="netduinoplus2")
    ap.add_argument("-n", type=int, default=3, help="inferences per model (median reported)")
    args = ap.parse_args()
    from mcugen.convert.int4_weights import to_int4_weights

    ok = True
    with tempfile.TemporaryDirectory(prefix="int4_dsp_") as tmp:
        work = Path(tmp)
        (work / "boards").mkdir()
        env = dict(os.environ)
        env["MCUGEN_BOARD_PATH"] = os.pathsep.join(filter(None, [str(work / "boards"), env.get("MCUGEN_BOARD_PATH")]))
        boards = {v: board_with_variant(args.board, v, work / "boards") for v in ("portable", "dsp")}
        print(f"int4 weights on QEMU {args.board}, instructions per inference (TIM2, -icount shift=0)")
        for name, int8 in models(args.models).items():
            int4 = to_int4_weights(int8)
            paths = {}
            for kind, data in (("int8", int8), ("int4", int4)):
                paths[kind] = work / f"{name}_{kind}.tflite"
                paths[kind].write_bytes(data)
            runs = {case: measure(paths[case.split()[0]], boards[case.split()[1]], args.n, work, env)
                    for case in CASES}
            ok = ok and all(r["outputs_match"] for r in runs.values())
            kinds = {case: per_kind(r) for case, r in runs.items()}
            print(f"\n{name}: outputs {'bit-exact' if all(r['outputs_match'] for r in runs.values()) else 'DIFFER'}"
                  f" with tflite-micro")
            print(f"  {'per op kind':22}" + "".join(f"{c:>15}" for c in CASES) + f"{'int4 dsp/portable':>19}")
            order = sorted(kinds["int4 portable"], key=lambda k: -kinds["int4 portable"][k])
            for kind in order + ["total"]:
                vals = ({c: int(r["latency"]["median"]) for c, r in runs.items()} if kind == "total"
                        else {c: kinds[c].get(kind, 0) for c in CASES})
                ratio = vals["int4 dsp"] / vals["int4 portable"] if vals["int4 portable"] else 0
                print(f"  {kind:22}" + "".join(f"{vals[c]:>15,}" for c in CASES) + f"{ratio:>18.2f}x")
            sizes = {f"{kind} {v}": weight_bytes(data, v) for kind, data in (("int8", int8), ("int4", int4))
                     for v in ("portable", "dsp")}
            print("  generated constants (model_weights.c): " + ", ".join(f"{k} {n:,} B" for k, n in sizes.items()))
            print(f"  firmware flash: int8 dsp {int(runs['int8 dsp']['flash_bytes']):,} B, "
                  f"int4 dsp {int(runs['int4 dsp']['flash_bytes']):,} B")
    print("\nall outputs bit-exact" if ok else "\nSOME OUTPUT DIFFERS")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
