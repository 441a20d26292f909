"""The convert stage as one call: any supported model file in, int8 .tflite bytes and IR out.

An int8 .tflite passes through unchanged (validated, no TensorFlow). Keras and SavedModel sources
are converted full-integer with int8 I/O, then compared with their float selves.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from mcugen.convert import calibration, source as sources
from mcugen.convert.int4_weights import to_int4_weights
from mcugen.convert.int8_check import require_int8
from mcugen.convert.model_inputs import declared_inputs
from mcugen.convert.quant_report import QuantReport, quant_report
from mcugen.convert.tflite_reader import read_graph
from mcugen.errors import ModelLoadError, UnsupportedModel
from mcugen.ir import Graph
from mcugen.report import Reporter

if TYPE_CHECKING:
    from mcugen.convert.worker import LoadedModel

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
    # for a 16x8 conversion (activations="int16") or int4 weights (weights="int4"): the int8
    # conversion's report, beside it
    int8_report: QuantReport | None = None


def convert_model(path: str | Path, calibration_data: str | Path | None = None,
                  validation: str | Path | None = None, reporter: Reporter | None = None,
                  steps: tuple[int, int] = (1, 1), strict: bool = True,
                  activations: str = "int8", weights: str = "int8") -> ConvertResult:
    """Load `path` and return its int8 form (`activations="int16"`: its 16x8 form, int16
    activations and int8 weights; `weights="int4"`: the int8 model with its CONV_2D /
    DEPTHWISE_CONV_2D / FULLY_CONNECTED weights re-quantized to INT4 by
    mcugen.convert.int4_weights; both with the int8 conversion's accuracy beside theirs). A
    .tflite source has no float model to compare with: no report. `reporter` gets stage lines and warnings.

    `steps` = (first step number, total) for the stage lines, so a caller that runs more stages
    after this one can number them all; `stage_count(path)` says how many numbers this call uses.
    `strict=False` returns any readable model, also one that computes in float (`mcugen inspect`
    shows what mcugen cannot run instead of refusing it).

    TensorFlow (Keras and SavedModel sources) runs in a child process (`convert.worker`): a
    crash in it is an UnsupportedModel naming the model, not the end of the caller.
    """
    rep = reporter or Reporter(quiet=True)
    src = sources.identify(path)
    first, total = steps
    if src.kind == sources.TFLITE:
        rep.stage(first, total, "load", f"{src.path} (.tflite)")
        buf = _read_bytes(src.path)
        graph = read_graph(buf, name=src.stem)
        if strict:
            require_int8(graph, str(src.path))
        if calibration_data is not None or validation is not None:
            rep.warn("the model is already int8: --calibration/--validation are not used "
                     "(a quantization report needs the float source model)")
        if weights == "int4":
            buf = to_int4_weights(buf)
            graph = read_graph(buf, name=src.stem)
        return ConvertResult(buf, graph, None, "tflite")
    return _convert_float(src, calibration_data, validation, rep, first, total, strict, activations, weights)


def _read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ModelLoadError(f"{path}: cannot read ({exc.strerror})") from exc


def _convert_float(src: sources.ModelSource, calibration_data: str | Path | None,
                   validation: str | Path | None, rep: Reporter, first: int, total: int,
                   strict: bool, activations: str = "int8", weights: str = "int8") -> ConvertResult:
    from mcugen.convert.worker import float_worker

    # data files are checked against the inputs the file declares before TensorFlow is imported
    declared = declared_inputs(src)
    specs = ([(d.name, _sample_shape(src, d.shape)) for d in declared]
             if declared and all(x is not None for d in declared for x in d.shape[1:]) else None)
    calib = _samples(calibration_data, specs, "calibration") if specs else None
    check = _samples(validation, specs, "validation") if specs else None
    rep.stage(first, total, "load", f"{src.path} ({src.kind}; importing TensorFlow)")
    with float_worker() as worker:
        model: LoadedModel = _in_child(worker, rep, src, None, "loading it", "load", str(src.path), src.kind)
        for note in model.notes:
            rep.info(f"note: {note}")
        loaded = [(n, _sample_shape(src, s)) for n, s in zip(model.input_names, model.input_shapes)]
        if loaded != specs:  # not declared in a form read above, or declared otherwise: check again
            calib = _samples(calibration_data, loaded, "calibration")
            check = _samples(validation, loaded, "validation")
        synthetic = calib is None
        if calib is None:
            rep.warn(SYNTHETIC_WARNING)
            calib = [calibration.synthetic_samples(shape, seed=k) for k, (_, shape) in enumerate(loaded)]
        wide, int4 = activations == "int16", weights == "int4"
        quantized = "16x8" if wide else ("int4" if int4 else "int8")
        rep.stage(first + 1, total, "quantize",
                  ("16x8 (int16 activations and I/O, int8 weights; and int8 to compare)" if wide
                   else "int8 with int8 I/O, then int4 weights" if int4 else "int8 with int8 I/O")
                  + f", {len(calib[0])} {'synthetic' if synthetic else 'calibration'} samples "
                  f"(loaded with {model.loader})")
        tflite8 = _in_child(worker, rep, src, model, "converting it to int8", "convert", calib)
        tflite = (_in_child(worker, rep, src, model, "converting it to 16x8", "convert", calib, "int16")
                  if wide else to_int4_weights(tflite8) if int4 else tflite8)
        graph = read_graph(tflite, name=src.stem)
        if strict:
            require_int8(graph, str(src.path), converted=True)
        inputs_order, outputs_order = _io_order(src, tflite, graph, model)

        data = "validation" if check is not None else ("synthetic" if synthetic else "calibration")
        check = check if check is not None else calib
        beside = tflite is not tflite8  # the int8 model is compared too
        rep.stage(first + 2, total, "check",
                  f"float vs {quantized + ' and int8' if beside else 'int8'} on {len(check[0])} {data} samples")
        float_outputs = _in_child(worker, rep, src, model, "running the float model", "predict", check)
        graph8 = read_graph(tflite8, name=src.stem) if beside else graph
        order8 = _io_order(src, tflite8, graph8, model) if beside else (inputs_order, outputs_order)
    runner = "run on tflite-micro" if int4 else "reference run"  # see quant_report: INT4 runs on tflite-micro
    with rep.progress(f"{quantized} {runner}", total=len(check[0])) as advance:
        report = quant_report(tflite, graph, [check[k] for k in inputs_order],
                              [float_outputs[k] for k in outputs_order], data, advance, quantized=quantized)
    int8_report = None
    if beside:
        with rep.progress("int8 reference run (to compare)", total=len(check[0])) as advance:
            int8_report = quant_report(tflite8, graph8, [check[k] for k in order8[0]],
                                       [float_outputs[k] for k in order8[1]], data, advance)
    return ConvertResult(tflite, graph, report, model.loader, synthetic, int8_report)


_RECURRENT = {"LSTM", "GRU", "SimpleRNN", "RNN", "Bidirectional", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"}


def _in_child(worker: Any, rep: Reporter, src: sources.ModelSource, model: LoadedModel | None,
              doing: str, request: str, *args: Any) -> Any:
    """One request to the TensorFlow child; its chatter goes to `rep.debug` (-v), also on failure."""
    from mcugen.convert.worker import WorkerDied

    try:
        return worker.call(request, *args)
    except WorkerDied as died:
        layers = model.layers if model is not None else ()
        recurrent = sorted(_RECURRENT.intersection(layers))
        has = f"; the model has {', '.join(recurrent)} layer(s)" if recurrent else ""
        hint = ("TensorFlow's int8 converter crashes on the loop of a recurrent layer; mcugen unrolls the "
                "Keras LSTM, GRU and SimpleRNN layers it can rebuild, so this one needs `unroll=True` "
                "set in the model itself, or the time axis modelled with Conv1D and Dense layers" if recurrent else
                "the crash is inside TensorFlow: replace the layer its last messages name, or convert the "
                "model to an int8 .tflite yourself and give mcugen that")
        raise UnsupportedModel(f"{src.path}: TensorFlow crashed ({died.signal_name}) {doing}{has}",
                               hint=hint + "; `mcugen -v ...` shows TensorFlow's messages") from None
    finally:
        text = worker.chatter().strip()
        if text:
            rep.debug("TensorFlow said:\n" + text)


def _io_order(src: sources.ModelSource, tflite: bytes, graph: Graph,
              model: LoadedModel) -> tuple[list[int], list[int]]:
    """For each .tflite input (output), the index of the float model's input (output) it is: the
    converter may order them differently (by name), so they are matched by signature name."""
    from mcugen.convert.tflite_reader import signature_tensors

    signature = signature_tensors(tflite)
    return (_match(src, "input", graph.inputs, model.input_names, signature[0] if signature else {}),
            _match(src, "output", graph.outputs, model.output_names, signature[1] if signature else {}))


def _match(src: sources.ModelSource, what: str, tensors: tuple[int, ...], names: tuple[str, ...],
           by_name: dict[str, int]) -> list[int]:
    if len(tensors) <= 1:
        return list(range(len(tensors)))
    position = {by_name[n]: k for k, n in enumerate(names) if n in by_name}
    order = [position.get(t) for t in tensors]
    if sorted(k for k in order if k is not None) != list(range(len(tensors))):
        raise UnsupportedModel(f"{src.path}: cannot tell which {what} of the converted model is which {what} "
                               f"of the float model (names: {', '.join(names)})",
                               hint=f"give the model's {what}s distinct names")
    return [k for k in order if k is not None]


def _sample_shape(src: sources.ModelSource, shape: tuple[int | None, ...]) -> tuple[int, ...]:
    rest = tuple(shape[1:])
    if any(d is None or d < 0 for d in rest):
        raise UnsupportedModel(f"{src.path}: the model input has unknown dimensions {shape}",
                               hint="re-export the model with a fixed input shape (batch may stay open)")
    return tuple(int(d) for d in rest)


def _samples(path: str | Path | None, inputs: list[tuple[str, tuple[int, ...]]],
             what: str) -> list[np.ndarray] | None:
    if path is None:
        return None
    return calibration.load_inputs(path, inputs, what)
