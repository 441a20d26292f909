"""Keras / SavedModel -> full-integer int8 .tflite. The only module that imports TensorFlow.

Keras 3 files load with `keras`; Keras 2 files (every MLPerf Tiny .h5) can fail there and load
with `tf_keras`; SavedModel directories convert straight through `from_saved_model`. TensorFlow
writes chatter to stdout/stderr at the C level while converting; it is captured and handed back.
"""
from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import warnings
from dataclasses import dataclass
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from mcugen.convert.load_errors import first_sentence, keras_load_error
from mcugen.convert.recurrent import unrolled_model
from mcugen.convert.source import KERAS_H5, KERAS_ZIP, SAVED_MODEL, ModelSource
from mcugen.errors import ModelLoadError, UnsupportedModel

_PREDICT_BATCH = 32


@contextlib.contextmanager
def captured_native_output() -> Iterator[list[str]]:
    """Send fds 1 and 2 (C and Python writes alike) to a temp file; yield a list that gets its text.

    Only the file descriptors move, never sys.stdout/sys.stderr: TensorFlow's loggers keep a
    reference to whatever stream they saw at import time.
    """
    sink: list[str] = []
    saved = [os.dup(1), os.dup(2)]
    with tempfile.TemporaryFile(mode="w+b") as tmp:
        _flush_std()
        os.dup2(tmp.fileno(), 1)
        os.dup2(tmp.fileno(), 2)
        try:
            yield sink
        finally:
            _flush_std()
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            for fd in saved:
                os.close(fd)
            tmp.seek(0)
            sink.append(tmp.read().decode("utf-8", "replace"))


def _flush_std() -> None:
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()


def _tf() -> Any:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    import tensorflow as tf

    tf.get_logger().setLevel("ERROR")
    return tf


@dataclass
class FloatModel:
    """A loaded float model: its input shapes, a way to run it, a way to convert it."""

    source: ModelSource
    loader: str  # "keras3", "keras2" or "savedmodel"
    input_shapes: tuple[tuple[int | None, ...], ...]  # with the batch axis (None when dynamic)
    _predict: Callable[[Sequence[np.ndarray]], list[np.ndarray]]
    _converter: Callable[[str], Any]  # given a scratch directory, returns a TFLiteConverter
    # the names of the converted model's signature inputs and outputs, in the order `predict`
    # takes and returns them (the .tflite may order its tensors differently)
    input_names: tuple[str, ...] = ()
    output_names: tuple[str, ...] = ()
    layers: tuple[str, ...] = ()  # Keras layer classes, in order (empty for a SavedModel)
    notes: tuple[str, ...] = ()  # what loading changed for conversion (recurrent layers unrolled)

    def predict(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Run the float model on (N, ...) arrays, one per input, in batches."""
        count = len(inputs[0])
        parts: list[list[np.ndarray]] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # Keras' numpy-2 deprecation notes
            for start in range(0, count, _PREDICT_BATCH):
                parts.append(self._predict([x[start:start + _PREDICT_BATCH] for x in inputs]))
        return [np.concatenate([p[k] for p in parts], axis=0) for k in range(len(parts[0]))]

    def to_int8(self, samples: Sequence[np.ndarray], activations: str = "int8") -> bytes:
        """Full-integer conversion with int8 input and output, calibrated on `samples`;
        `activations="int16"`: TensorFlow's 16x8 mode (int16 activations and I/O, int8 weights)."""
        tf = _tf()
        with tempfile.TemporaryDirectory(prefix="mcugen-convert-") as workdir:
            try:
                converter = self._converter(workdir)
            except Exception as exc:  # Keras' export raises ValueError, TypeError, ... for what it cannot trace
                raise self._cannot_convert(exc, "TensorFlow cannot export this model for conversion") from exc
            return self._convert(tf, converter, samples, activations)

    def _cannot_convert(self, exc: Exception, what: str) -> UnsupportedModel:
        text = str(exc).strip()
        first = text.splitlines()[0] if text else type(exc).__name__
        return UnsupportedModel(f"{self.source.path}: {what}: {first_sentence(first, 300)}",
                                hint="every layer needs an int8 TFLite builtin kernel; "
                                     "`mcugen -v ...` shows TensorFlow's messages")

    def _convert(self, tf: Any, converter: Any, samples: Sequence[np.ndarray], activations: str = "int8") -> bytes:
        converter.optimizations = [tf.lite.Optimize.DEFAULT]
        count = len(samples[0])

        by_name = len(samples) > 1  # a list would be taken in the .tflite's input order, not ours

        def representative() -> Iterator[list[np.ndarray] | dict[str, np.ndarray]]:
            for n in range(count):
                batch = [x[n:n + 1].astype(np.float32) for x in samples]
                yield dict(zip(self.input_names, batch)) if by_name else batch

        converter.representative_dataset = representative
        if activations == "int16":
            converter.target_spec.supported_ops = [
                tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
            converter.inference_input_type = converter.inference_output_type = tf.int16
        else:
            converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
            converter.inference_input_type = tf.int8
            converter.inference_output_type = tf.int8
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return bytes(converter.convert())
            except Exception as exc:  # the converter raises many types, all meaning "cannot convert"
                raise self._cannot_convert(
                    exc, "TensorFlow cannot convert this model to full-integer int8") from exc


def load_float_model(source: ModelSource) -> FloatModel:
    """Load a Keras file or SavedModel directory, ready to predict and convert."""
    tf = _tf()
    if source.kind == SAVED_MODEL:
        return _load_saved_model(tf, source)
    if source.kind not in (KERAS_H5, KERAS_ZIP):
        raise ValueError(f"not a Keras/SavedModel source: {source.kind}")
    model, loader = _load_keras(source)
    notes: list[str] = []
    if all(d is not None for t in model.inputs for d in t.shape[1:]):  # else "unknown dimensions", later
        model, notes = unrolled_model(_keras_module(loader), model, loader)

    structure = getattr(model, "input", None)  # a tensor, a list, or a dict (model.inputs: keys sorted)

    def predict(xs: Sequence[np.ndarray]) -> list[np.ndarray]:
        args = (dict(zip(sorted(structure), xs)) if isinstance(structure, dict)
                else xs[0] if len(xs) == 1 else list(xs))
        out = model(args, training=False)
        outs = out if isinstance(out, (list, tuple)) else [out]
        return [np.asarray(o) for o in outs]

    shapes = tuple(tuple(d for d in t.shape) for t in model.inputs)
    names = tuple(_input_name(t) or f"input_{k}" for k, t in enumerate(model.inputs))
    if loader == "keras2":
        converter = lambda _: tf.lite.TFLiteConverter.from_keras_model(model)  # noqa: E731
        outputs = tuple(model.output_names)
    else:
        converter = lambda workdir: _keras3_converter(tf, model, shapes, workdir)  # noqa: E731
        outputs = tuple(f"output_{k}" for k in range(len(model.outputs)))  # what model.export names them
    layers = tuple(type(layer).__name__ for layer in model.layers)
    return FloatModel(source, loader, shapes, predict, converter, names, outputs, layers, tuple(notes))


def _keras_module(loader: str) -> Any:
    if loader == "keras2":
        import tf_keras

        return tf_keras
    import keras

    return keras


def _keras3_converter(tf: Any, model: Any, shapes: tuple[tuple[int | None, ...], ...], workdir: str) -> Any:
    """Export with batch fixed to 1 and convert that SavedModel.

    With an open batch axis Keras 3's Flatten becomes SHAPE/STRIDED_SLICE/PACK/RESHAPE; with batch 1
    it folds away, as Keras 2 graphs do. (Converting a Keras 3 model from a concrete function fails
    at calibration on unfrozen variables.)
    """
    export_dir = os.path.join(workdir, "saved_model")
    specs = [tf.TensorSpec([1, *s[1:]], tf.float32, name=_input_name(t))
             for s, t in zip(shapes, model.inputs)]
    # the signature is the model's call arguments: one tensor, or the list (dict) of its inputs
    structure = getattr(model, "input", None)  # a tensor, a list, or a dict (model.inputs: keys sorted)
    if len(specs) == 1:
        signature: list[Any] = specs
    elif isinstance(structure, dict):
        signature = [dict(zip(sorted(structure), specs))]  # model.inputs lists a dict's keys sorted
    else:
        signature = [specs]
    model.export(export_dir, format="tf_saved_model", input_signature=signature, verbose=False)
    return tf.lite.TFLiteConverter.from_saved_model(export_dir)


def _written_by_keras2(path: Any) -> bool:
    """Keras records its version in an .h5 file's attributes; MLPerf Tiny files say 2.4.0."""
    try:
        import h5py

        with h5py.File(path, "r") as f:
            version = f.attrs.get("keras_version", b"")
    except Exception:  # unreadable here means Keras will say why, with a better message
        return False
    version = version.decode() if isinstance(version, bytes) else str(version)
    return version.startswith("2.")


def _load_keras(source: ModelSource) -> tuple[Any, str]:
    """Load with the Keras that wrote the file first (Keras 2 graphs convert closest to the official
    MLPerf Tiny models under tf_keras), then with the other."""
    import keras
    import tf_keras

    loaders = [("keras3", keras.models.load_model), ("keras2", tf_keras.models.load_model)]
    if source.kind == KERAS_ZIP:
        loaders = loaders[:1]
    elif _written_by_keras2(source.path):
        loaders.reverse()
    first_error: Exception | None = None
    for name, load in loaders:
        try:
            return load(source.path, compile=False), name
        except Exception as exc:  # Keras 2 files fail in many ways under Keras 3 and vice versa
            first_error = first_error or exc
    assert first_error is not None
    raise _load_failed(source, first_error) from first_error


def _load_failed(source: ModelSource, exc: Exception) -> ModelLoadError:
    return keras_load_error(source.path, exc)


def _load_saved_model(tf: Any, source: ModelSource) -> FloatModel:
    path = str(source.path)
    try:
        loaded = tf.saved_model.load(path)
    except Exception as exc:
        raise ModelLoadError(f"{source.path}: TensorFlow cannot load this SavedModel ({type(exc).__name__})",
                             hint="check that saved_model.pb and variables/ were copied whole") from exc
    signatures = dict(loaded.signatures)
    if "serving_default" not in signatures:
        raise UnsupportedModel(f"{source.path}: the SavedModel has no 'serving_default' signature",
                               hint="export it with model.export(dir) (Keras 3) or model.save(dir) (Keras 2)")
    fn = signatures["serving_default"]
    specs = fn.structured_input_signature[1]
    input_names = sorted(specs)
    output_names = sorted(fn.structured_outputs)  # TFLite orders signature outputs by name, too
    shapes = tuple(tuple(specs[n].shape.as_list()) for n in input_names)

    def predict(xs: Sequence[np.ndarray]) -> list[np.ndarray]:
        out = fn(**{n: tf.constant(x, dtype=specs[n].dtype) for n, x in zip(input_names, xs)})
        return [np.asarray(out[n]) for n in output_names]

    return FloatModel(source, "savedmodel", shapes, predict,
                      lambda _: tf.lite.TFLiteConverter.from_saved_model(path),
                      tuple(input_names), tuple(output_names))


def _input_name(tensor: Any) -> str | None:
    """The Keras input's name (e.g. `input_layer`), so the .tflite input is not called `args_0`."""
    name = getattr(tensor, "name", None)
    return name.split(":")[0] if name else None
