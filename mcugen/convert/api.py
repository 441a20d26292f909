"""The convert stage as one call: any supported model file in, int8 .tflite bytes and IR out.

An int8 .tflite passes through unchanged (validated, no TensorFlow). Keras and SavedModel sources
are converted full-integer with int8 I/O, then compared with their float selves.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, TypeVar

import numpy as np

from mcugen.convert import calibration, source as sources
from mcugen.convert.int8_check import require_int8
from mcugen.convert.quant_report import QuantReport, quant_report
from mcugen.convert.tflite_reader import read_graph
from mcugen.errors import CalibrationError, ModelLoadError, UnsupportedModel
from mcugen.ir import Graph
from mcugen.report import Reporter

T = TypeVar("T")

SYNTHETIC_WARNING = ("no --calibration data: calibrating on synthetic random inputs. The int8 model runs, "
                     "but its accuracy on real data is UNKNOWN; give real samples with --calibration DATA.npy")


def stage_count(path: str | Path) -> int:
    """How many stage lines convert_model prints for `path` (load, quantize, check; a .tflite only loads)."""
    return 1 if sources.identify(path).kind == sources.TFLITE else 3


@dataclass(frozen=True)
class ConvertResult:
    tflite: bytes
    graph: Graph
    report: QuantReport | None  # None for a .tflite passed through
    source_kind: str  # "tflite", "keras3", "keras2" or "savedmodel"
    synthetic_calibration: bool = False


def convert_model(path: str | Path, calibration_data: str | Path | None = None,
                  validation: str | Path | None = None, reporter: Reporter | None = None,
                  steps: tuple[int, int] = (1, 1)) -> ConvertResult:
    """Load `path` and return its int8 form. `reporter` gets stage lines and warnings.

    `steps` = (first step number, total) for the stage lines, so a caller that runs more stages
    after this one can number them all; `stage_count(path)` says how many numbers this call uses.
    """
    rep = reporter or Reporter(quiet=True)
    src = sources.identify(path)
    first, total = steps
    if src.kind == sources.TFLITE:
        rep.stage(first, total, "load", f"{src.path} (.tflite)")
        buf = _read_bytes(src.path)
        graph = read_graph(buf, name=src.stem)
        require_int8(graph, str(src.path))
        if calibration_data is not None or validation is not None:
            rep.warn("the model is already int8: --calibration/--validation are not used "
                     "(a quantization report needs the float source model)")
        return ConvertResult(buf, graph, None, "tflite")
    return _convert_float(src, calibration_data, validation, rep, first, total)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ModelLoadError(f"{path}: cannot read ({exc.strerror})") from exc


def _convert_float(src: sources.ModelSource, calibration_data: str | Path | None,
                   validation: str | Path | None, rep: Reporter, first: int, total: int) -> ConvertResult:
    from mcugen.convert.keras_convert import load_float_model

    rep.stage(first, total, "load", f"{src.path} ({src.kind}; importing TensorFlow)")
    model = _quietly(rep, load_float_model, src)
    sample_shapes = [_sample_shape(src, s) for s in model.input_shapes]
    calib = _samples(calibration_data, sample_shapes, "calibration")
    check = _samples(validation, sample_shapes, "validation")  # now: bad files fail before the slow part
    synthetic = calib is None
    if calib is None:
        rep.warn(SYNTHETIC_WARNING)
        calib = [calibration.synthetic_samples(s, seed=k) for k, s in enumerate(sample_shapes)]
    rep.stage(first + 1, total, "quantize",
              f"int8 with int8 I/O, {len(calib[0])} {'synthetic' if synthetic else 'calibration'} samples "
              f"(loaded with {model.loader})")
    tflite = _quietly(rep, model.to_int8, calib)
    graph = read_graph(tflite, name=src.stem)
    require_int8(graph, str(src.path), converted=True)

    data = "validation" if check is not None else ("synthetic" if synthetic else "calibration")
    check = check if check is not None else calib
    rep.stage(first + 2, total, "check", f"float vs int8 on {len(check[0])} {data} samples")
    float_outputs = _quietly(rep, model.predict, check)
    with rep.progress("int8 reference run", total=len(check[0])) as advance:
        report = quant_report(tflite, graph, check, float_outputs, data, advance)
    return ConvertResult(tflite, graph, report, model.loader, synthetic)


def _quietly(rep: Reporter, fn: Callable[..., T], *args: Any) -> T:
    """Run a TensorFlow call with its C-level chatter captured; show it with -v (also on failure)."""
    from mcugen.convert.keras_convert import captured_native_output

    chatter: list[str] = []
    try:
        with captured_native_output() as chatter:
            return fn(*args)
    finally:
        text = "".join(chatter).strip()
        if text:
            rep.debug("TensorFlow said:\n" + text)


def _sample_shape(src: sources.ModelSource, shape: tuple[int | None, ...]) -> tuple[int, ...]:
    rest = tuple(shape[1:])
    if any(d is None or d < 0 for d in rest):
        raise UnsupportedModel(f"{src.path}: the model input has unknown dimensions {shape}",
                               hint="re-export the model with a fixed input shape (batch may stay open)")
    return tuple(int(d) for d in rest)


def _samples(path: str | Path | None, sample_shapes: list[tuple[int, ...]], what: str) -> list[np.ndarray] | None:
    if path is None:
        return None
    if len(sample_shapes) != 1:
        raise CalibrationError(f"{what} data from files is supported for single-input models only; "
                               f"this one has {len(sample_shapes)} inputs",
                               hint=f"leave out --{what} to use synthetic inputs")
    return [calibration.load_samples(path, sample_shapes[0])]
