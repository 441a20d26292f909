"""Flatbuffer -> IR. The only module that knows the TFLite schema.

Reads through the schema classes LiteRT ships (`ai_edge_litert.schema_py_generated`, the object
API), never by hand-parsing bytes.
"""
from __future__ import annotations

import hashlib
import re
from typing import Any

import numpy as np

from mcugen.errors import ModelLoadError, UnsupportedModel
from mcugen.ir import DTYPES, Graph, Op, Quant, Tensor


def _schema():
    from ai_edge_litert import schema_py_generated as schema  # ~0.1 s, no TensorFlow

    return schema


def _enum_names(enum_cls: type) -> dict[int, str]:
    return {v: k for k, v in vars(enum_cls).items() if not k.startswith("_") and isinstance(v, int)}


# option fields whose integer values are schema enums, mapped to the enum class name
_ENUM_FIELDS = {
    "padding": "Padding",
    "fusedActivationFunction": "ActivationFunctionType",
    "weightsFormat": "FullyConnectedOptionsWeightsFormat",
    "mode": "MirrorPadMode",
    "outDataType": "TensorType",
    "quantizedBiasType": "TensorType",
}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _options(schema: Any, opts: Any) -> dict[str, Any]:
    if opts is None:
        return {}
    out: dict[str, Any] = {}
    for key, value in vars(opts).items():
        if key in _ENUM_FIELDS:
            value = _enum_names(getattr(schema, _ENUM_FIELDS[key])).get(value, value)
        elif isinstance(value, np.ndarray):
            value = tuple(int(v) for v in value)
        elif isinstance(value, list):
            value = tuple(value)
        elif isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        out[_snake(key)] = value
    return out


def is_tflite(buf: bytes) -> bool:
    """True when `buf` carries the TFLite file identifier."""
    return len(buf) >= 8 and buf[4:8] == b"TFL3"


def read_graph(buf: bytes, name: str = "model") -> Graph:
    """Parse a .tflite flatbuffer into an `ir.Graph` (first and only subgraph)."""
    if not is_tflite(buf):
        raise ModelLoadError(f"{name}: not a TFLite flatbuffer (no 'TFL3' identifier)",
                             hint="give a .tflite, .h5, .keras file or a SavedModel directory")
    schema = _schema()
    try:
        model = schema.ModelT.InitFromPackedBuf(bytearray(buf), 0)
        return _to_graph(schema, model, bytes(buf), name)
    except (ModelLoadError, UnsupportedModel):
        raise
    except Exception as exc:  # corrupt or truncated flatbuffers raise anything from the decoder
        raise ModelLoadError(f"{name}: the TFLite file is corrupt or truncated ({type(exc).__name__})",
                             hint="re-export the model; a .tflite file must be copied byte for byte") from exc


def _to_graph(schema: Any, model: Any, buf: bytes, name: str) -> Graph:
    if not model.subgraphs:
        raise ModelLoadError(f"{name}: the TFLite file has no subgraph")
    if len(model.subgraphs) > 1:
        raise UnsupportedModel(f"{name}: {len(model.subgraphs)} subgraphs (control flow); mcugen takes one",
                               hint="export the model without WHILE/IF control flow")
    type_names = _enum_names(schema.TensorType)
    op_names = _enum_names(schema.BuiltinOperator)
    sg = model.subgraphs[0]
    buffers = model.buffers or []

    tensors = []
    for tid, t in enumerate(sg.tensors or []):
        dtype = type_names.get(t.type, str(t.type))
        if dtype not in DTYPES:
            raise UnsupportedModel(f"{name}: tensor {tid} has type {dtype}, which mcugen does not handle")
        shape = tuple(int(d) for d in (t.shape if t.shape is not None else ()))
        data = None
        if 0 < t.buffer < len(buffers):
            b = buffers[t.buffer]
            if b.data is not None and len(b.data):
                data = bytes(np.asarray(b.data, dtype=np.uint8))
            elif getattr(b, "offset", 0) > 1 and getattr(b, "size", 0) > 0:
                data = buf[b.offset:b.offset + b.size]
            if data is not None:
                expected = int(np.prod(shape, dtype=np.int64)) * DTYPES[dtype][1]
                if dtype == "INT4":  # packed two per byte
                    expected = (int(np.prod(shape, dtype=np.int64)) + 1) // 2
                if len(data) != expected:
                    raise ModelLoadError(f"{name}: tensor {tid} ({t.name!r}) holds {len(data)} bytes, "
                                         f"its shape needs {expected}")
        q = t.quantization
        quant = None
        if q is not None and q.scale is not None and len(q.scale) > 0:
            zps = q.zeroPoint if q.zeroPoint is not None else [0] * len(q.scale)
            quant = Quant(tuple(float(s) for s in q.scale), tuple(int(z) for z in zps),
                          int(q.quantizedDimension))
        tname = t.name.decode("utf-8", "replace") if isinstance(t.name, bytes) else str(t.name or "")
        tensors.append(Tensor(tid, tname, shape, dtype, quant, data, variable=bool(t.isVariable)))

    ops = []
    for index, o in enumerate(sg.operators or []):
        code = model.operatorCodes[o.opcodeIndex]
        builtin = max(int(code.builtinCode), int(code.deprecatedBuiltinCode))
        kind = op_names.get(builtin, f"BUILTIN_{builtin}")
        if kind == "CUSTOM":
            cc = code.customCode
            kind = "CUSTOM:" + (cc.decode() if isinstance(cc, bytes) else str(cc))
        options = _options(schema, o.builtinOptions)
        ins = tuple(int(i) for i in (o.inputs if o.inputs is not None else ()))
        outs = tuple(int(i) for i in (o.outputs if o.outputs is not None else ()))
        ops.append(Op(index, kind, int(code.version), ins, outs, options))

    desc = model.description
    desc = desc.decode("utf-8", "replace") if isinstance(desc, bytes) else str(desc or "")
    return Graph(
        tensors=tuple(tensors),
        ops=tuple(ops),
        inputs=tuple(int(i) for i in sg.inputs),
        outputs=tuple(int(i) for i in sg.outputs),
        name=name,
        sha256=hashlib.sha256(buf).hexdigest(),
        description=desc,
    )


def signature_tensors(buf: bytes) -> tuple[dict[str, int], dict[str, int]] | None:
    """The first signature's (input name -> tensor index, output name -> tensor index), or None
    when the model has no signature. The converter names signature entries after the source
    model's inputs and outputs while it may order the subgraph's tensors differently."""
    schema = _schema()
    try:
        model = schema.ModelT.InitFromPackedBuf(bytearray(buf), 0)
    except Exception:  # noqa: BLE001 - read_graph already said what is wrong with a corrupt file
        return None
    if not model.signatureDefs:
        return None
    sig = model.signatureDefs[0]

    def names(entries: Any) -> dict[str, int]:
        return {(e.name.decode("utf-8", "replace") if isinstance(e.name, bytes) else str(e.name)): int(e.tensorIndex)
                for e in (entries or [])}

    return names(sig.inputs), names(sig.outputs)


def input_signatures(buf: bytes) -> list[tuple[str, tuple[int, ...] | None]]:
    """(name, shape_signature) of each model input; -1 marks a dynamic dimension (the static
    shape holds 1 there), None when the file has no signature for it."""
    schema = _schema()
    try:
        sg = schema.ModelT.InitFromPackedBuf(bytearray(buf), 0).subgraphs[0]
    except Exception:  # noqa: BLE001 - read_graph already said what is wrong with a corrupt file
        return []
    found = []
    for tid in sg.inputs if sg.inputs is not None else ():
        t = sg.tensors[int(tid)]
        name = t.name.decode("utf-8", "replace") if isinstance(t.name, bytes) else str(t.name or "")
        sig = t.shapeSignature
        found.append((name, tuple(int(d) for d in sig) if sig is not None and len(sig) else None))
    return found
