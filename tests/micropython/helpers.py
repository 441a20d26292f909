"""Shared by the MicroPython tests: where the models are, and a rendered build folder."""
from __future__ import annotations

from pathlib import Path

from mcugen.convert.tflite_reader import read_graph
from mcugen.micropython.project import write_micropython
from mcugen.micropython.targets import resolve_target

MODELS = Path(__file__).resolve().parents[2] / "../shared/models"

INT8_MODELS = {
    "hello_world": "hello_world/hello_world_int8.tflite",
    "ad": "ad/ad01_int8.tflite",
    "kws": "kws/kws_ref_model.tflite",
    "ic": "ic/pretrainedResnet_quant.tflite",
    "vww": "vww/vww_96_int8.tflite",
    "keyword": "breadth/keyword_scrambled_8bit.tflite",  # SVDF: persistent state beside the arena
}


def build_folder(model: str, board: str, out: Path, name: str | None = None, mpy_dir=None):
    """Render (and with `mpy_dir`, build) the MicroPython folder of a shared model."""
    tflite = (MODELS / INT8_MODELS[model]).read_bytes()
    graph = read_graph(tflite)
    return write_micropython(tflite, graph, resolve_target(board), out, name or model, mpy_dir)


def build_models_folder(models: list[str], board: str, out: Path, module: str = "models", mpy_dir=None,
                        concurrent: bool = False):
    """Render (and with `mpy_dir`, build) one MicroPython module holding several shared models."""
    from mcugen.micropython.project import write_micropython_models

    tflites = [(MODELS / INT8_MODELS[m]).read_bytes() for m in models]
    graphs = [read_graph(t, name=m) for t, m in zip(tflites, models)]
    return write_micropython_models(tflites, graphs, resolve_target(board), out, module, models,
                                    concurrent, mpy_dir)
