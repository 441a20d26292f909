"""What every benchmark script compares: the int8 models in ../shared/models and TFLite Micro's
measured figures for them (../shared/notes/tflm-baseline.md)."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MODELS = (REPO / "../shared/models").resolve()
INT8_MODELS = {
    "kws": "kws/kws_ref_model.tflite",
    "vww": "vww/vww_96_int8.tflite",
    "ic": "ic/pretrainedResnet_quant.tflite",
    "ad": "ad/ad01_int8.tflite",
    "hello_world": "hello_world/hello_world_int8.tflite",
}
# TFLite Micro + CMSIS-NN, -O2, netduinoplus2 under QEMU: instructions per inference, arena_used
# bytes and whole-firmware .text.
TFLM_CMSIS_NN = {
    "kws": (7_699_860, 22_820, 142_516),
    "vww": (24_101_894, 100_708, 421_868),
    "ic": (29_863_314, 54_996, 181_904),
    "ad": (582_922, 2_580, 312_804),
    "hello_world": (3_515, 772, None),
}


def boards_and_models(description: str, argv: list[str] | None = None):
    """The --boards (default: every emulated board) and --models (default: every int8 model)
    arguments the per-board benchmarks take."""
    import argparse
    import sys

    sys.path.insert(0, str(REPO))
    from mcugen.boards import list_boards

    emulated = [b.name for b in list_boards() if b.emulated]
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--boards", default=",".join(emulated))
    parser.add_argument("--models", default=",".join(INT8_MODELS))
    return parser.parse_args(argv)
