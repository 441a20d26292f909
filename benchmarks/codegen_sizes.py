"""Size report of the generated C for every int8 model in ../shared/models (prints a table).

    .venv/bin/python benchmarks/codegen_sizes.py [--kernels portable|dsp]

Per model: the model's own constant bytes (weights + biases it references), what mcugen emits as
constants (weights, folded biases, multipliers, tables), inference code (.text of model.c + the
kernels, arm-none-eabi-gcc -Os -mcpu=cortex-m4 -mthumb), and the arena with and without in-place.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mcugen import pipeline  # noqa: E402
from mcugen.codegen.size import cortex_m4_size  # noqa: E402
from mcugen.convert.tflite_reader import read_graph  # noqa: E402

MODELS = {
    "hello_world": "hello_world/hello_world_int8.tflite",
    "ad": "ad/ad01_int8.tflite",
    "kws": "kws/kws_ref_model.tflite",
    "ic": "ic/pretrainedResnet_quant.tflite",
    "vww": "vww/vww_96_int8.tflite",
}


def model_constant_bytes(graph) -> int:
    """Bytes of the constant tensors the model's weighted ops read (not shape operands)."""
    weighted = {"CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED"}
    used = {i for op in graph.ops if op.kind in weighted for i in op.inputs[1:] if i >= 0}
    return sum(graph.tensor(i).nbytes for i in used)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kernels", default="portable", choices=["portable", "dsp"])
    args = parser.parse_args()
    root = REPO / ".." / "shared" / "models"
    print(f"kernels: {args.kernels}")
    print(f"{'model':<12}{'ops':>5}{'model weights':>15}{'mcugen consts':>15}{'code -Os M4':>13}"
          f"{'arena in-place':>16}{'arena separate':>16}")
    for name, rel in MODELS.items():
        graph = read_graph((root / rel).read_bytes())
        target = pipeline.Target(args.kernels)
        library, separate = (pipeline.generate(graph, target, inplace=inplace) for inplace in (True, False))
        plans = [library.plan, separate.plan]
        sources = library.sources
        with tempfile.TemporaryDirectory() as tmp:
            sources.write(tmp)
            size = cortex_m4_size(tmp, ["model.c", "model_weights.c", *sources.kernels],
                                  sources.weight_bytes, sources.arena_bytes)
        print(f"{name:<12}{len(graph.ops):>5}{model_constant_bytes(graph):>15,}{size.weights_bytes:>15,}"
              f"{size.code_bytes:>13,}{int(plans[0].size):>16,}{int(plans[1].size):>16,}")


if __name__ == "__main__":
    main()
