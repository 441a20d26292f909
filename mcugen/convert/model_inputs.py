"""A float model's inputs (names and shapes) read from the file itself, without TensorFlow.

Reading them costs milliseconds, against ~5 s for importing TensorFlow, so calibration and
validation files are checked against the model before any of that: a wrong file fails at once.
Keras files keep their architecture as JSON (`config.json` in a `.keras` archive, the
`model_config` attribute of an `.h5`); a SavedModel keeps its signatures in `saved_model.pb`, a
protobuf, read here by a small wire-format walker (TensorFlow's own message classes cannot be
imported without importing TensorFlow). Anything unexpected gives None: the caller then checks
the data after loading the model, as before.
"""
from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from typing import Any, Iterator

from mcugen.convert.source import KERAS_H5, KERAS_ZIP, SAVED_MODEL, ModelSource


@dataclass(frozen=True)
class InputSpec:
    name: str
    shape: tuple[int | None, ...]  # with the batch axis; None where the model leaves it open


def declared_inputs(src: ModelSource) -> list[InputSpec] | None:
    """The model's inputs in the order its float model takes them, or None when not readable."""
    try:
        if src.kind == KERAS_ZIP:
            with zipfile.ZipFile(src.path) as archive:
                return _keras_inputs(json.loads(archive.read("config.json")))
        if src.kind == KERAS_H5:
            import h5py

            with h5py.File(src.path, "r") as f:
                raw = f.attrs.get("model_config")
            if raw is None:
                return None
            return _keras_inputs(json.loads(raw.decode() if isinstance(raw, bytes) else raw))
        if src.kind == SAVED_MODEL:
            return _saved_model_inputs((src.path / "saved_model.pb").read_bytes())
    except Exception:  # noqa: BLE001 - a file we cannot read here is read (and judged) by TensorFlow later
        return None
    return None


# --- Keras JSON -----------------------------------------------------------------------------

def _layer_shape(layer: dict[str, Any]) -> tuple[int | None, ...] | None:
    config = layer.get("config", {})
    shape = config.get("batch_shape") or config.get("batch_input_shape")
    return tuple(None if d is None else int(d) for d in shape) if shape else None


def _keras_inputs(config: dict[str, Any]) -> list[InputSpec] | None:
    body = config.get("config", {})
    layers = body.get("layers") or []
    if config.get("class_name") == "Sequential":
        if not layers:
            return None
        first = layers[0]
        shape = _layer_shape(first) or (tuple(body["build_input_shape"]) if body.get("build_input_shape") else None)
        name = first.get("config", {}).get("name") or first.get("name") or "input"
        return [InputSpec(str(name), shape)] if shape else None
    refs = body.get("input_layers")
    if not refs:
        return None
    if isinstance(refs[0], str):  # Keras 3 writes a single input as ["x", 0, 0]
        refs = [refs]
    by_name = {(layer.get("name") or layer.get("config", {}).get("name")): layer for layer in layers}
    specs = []
    for ref in refs:
        layer = by_name.get(ref[0])
        shape = _layer_shape(layer) if layer else None
        if shape is None:
            return None
        specs.append(InputSpec(str(ref[0]), shape))
    return specs


# --- SavedModel protobuf ----------------------------------------------------------------------
# field numbers from tensorflow/core/protobuf/{saved_model,meta_graph}.proto and
# tensorflow/core/framework/tensor_shape.proto
_SAVED_MODEL_META_GRAPHS = 2
_META_GRAPH_SIGNATURE_DEF = 5
_SIGNATURE_INPUTS = 1
_TENSOR_INFO_SHAPE = 3
_SHAPE_DIM, _SHAPE_UNKNOWN_RANK = 2, 3
_DIM_SIZE = 1


def _varint(buf: bytes, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        value |= (byte & 0x7F) << shift
        if byte < 0x80:
            return value, pos
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _fields(buf: bytes) -> Iterator[tuple[int, int | bytes]]:
    """(field number, value) of one message: ints for varints, bytes for length-delimited fields."""
    pos = 0
    while pos < len(buf):
        key, pos = _varint(buf, pos)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, pos = _varint(buf, pos)
            yield number, value
        elif wire == 2:
            length, pos = _varint(buf, pos)
            if pos + length > len(buf):
                raise ValueError("truncated field")
            yield number, buf[pos:pos + length]
            pos += length
        elif wire == 1:
            pos += 8
        elif wire == 5:
            pos += 4
        else:
            raise ValueError(f"wire type {wire}")


def _map_entry(entry: bytes) -> tuple[str, bytes]:
    key, value = "", b""
    for number, field in _fields(entry):
        if number == 1 and isinstance(field, bytes):
            key = field.decode("utf-8")
        elif number == 2 and isinstance(field, bytes):
            value = field
    return key, value


def _shape(tensor_info: bytes) -> tuple[int | None, ...] | None:
    for number, field in _fields(tensor_info):
        if number == _TENSOR_INFO_SHAPE and isinstance(field, bytes):
            dims: list[int | None] = []
            for n, dim in _fields(field):
                if n == _SHAPE_UNKNOWN_RANK and dim:
                    return None
                if n == _SHAPE_DIM and isinstance(dim, bytes):
                    size = next((v for k, v in _fields(dim) if k == _DIM_SIZE), 0)
                    assert isinstance(size, int)
                    size = size - (1 << 64) if size >= 1 << 63 else size  # int64, two's complement
                    dims.append(None if size < 0 else size)
            return tuple(dims)
    return None


def _saved_model_inputs(pb: bytes) -> list[InputSpec] | None:
    """serving_default's inputs, sorted by name: the order mcugen's SavedModel loader uses."""
    for number, meta_graph in _fields(pb):
        if number != _SAVED_MODEL_META_GRAPHS or not isinstance(meta_graph, bytes):
            continue
        for n, entry in _fields(meta_graph):
            if n != _META_GRAPH_SIGNATURE_DEF or not isinstance(entry, bytes):
                continue
            key, signature = _map_entry(entry)
            if key != "serving_default":
                continue
            specs = {}
            for k, item in _fields(signature):
                if k == _SIGNATURE_INPUTS and isinstance(item, bytes):
                    name, info = _map_entry(item)
                    shape = _shape(info)
                    if shape is None:
                        return None
                    specs[name] = shape
            return [InputSpec(name, specs[name]) for name in sorted(specs)] or None
    return None
