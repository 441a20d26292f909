"""One-op .tflite models written directly with the TFLite schema's object API, for ops no Keras
layer converts to (SVDF) or options the converter never emits: every tensor's type, shape,
quantization and data, the op's options, exactly as the test wants them."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np


@dataclass(frozen=True)
class Spec:
    """One tensor: `data` makes it a constant, `variable` a persistent state tensor; with neither
    it is an activation (a model input when some op reads it and no op writes it)."""

    shape: tuple[int, ...]
    dtype: str  # TFLite type name: "INT8", "INT16", "INT32", "FLOAT32"
    scale: float | None = None  # None: not quantized
    zero_point: int = 0
    data: np.ndarray | None = None
    variable: bool = False
    name: str = ""


@dataclass(frozen=True)
class OpSpec:
    """One op: reads tensors `inputs` (indexes into the model's tensors, -1 for an omitted
    optional input), writes `outputs`; `options` is the schema's `<Kind>OptionsT` or None."""

    kind: str
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    options: Any = None
    version: int = 1


def one_op_model(kind: str, tensors: Sequence[Spec], inputs: Sequence[int], outputs: Sequence[int],
                 options: Any = None, version: int = 1) -> bytes:
    """A model of one `kind` op; its inputs are the op's activation inputs, its outputs the op's."""
    return model_of(tensors, [OpSpec(kind, tuple(inputs), tuple(outputs), options, version)])


def model_of(tensors: Sequence[Spec], ops: Sequence[OpSpec], outputs: Sequence[int] | None = None) -> bytes:
    """A model running `ops` in order. Its inputs are the activations some op reads and none
    writes; its outputs `outputs`, by default the last op's."""
    import flatbuffers
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    model = schema.ModelT()
    model.version = 3
    model.buffers = [schema.BufferT()]  # buffer 0: the empty one every non-constant tensor uses
    graph = schema.SubGraphT()
    graph.tensors = [_tensor(schema, model, i, spec) for i, spec in enumerate(tensors)]
    kinds = list(dict.fromkeys((op.kind, op.version) for op in ops))
    model.operatorCodes = []
    for kind, version in kinds:
        code = schema.OperatorCodeT()
        code.builtinCode = getattr(schema.BuiltinOperator, kind)
        code.deprecatedBuiltinCode = min(code.builtinCode, 127)
        code.version = version
        model.operatorCodes.append(code)
    graph.operators = []
    for spec in ops:
        op = schema.OperatorT()
        op.opcodeIndex = kinds.index((spec.kind, spec.version))
        op.inputs, op.outputs = list(spec.inputs), list(spec.outputs)
        if spec.options is not None:
            op.builtinOptionsType = getattr(schema.BuiltinOptions, type(spec.options).__name__[:-1])
            op.builtinOptions = spec.options
        graph.operators.append(op)
    written = {t for op in ops for t in op.outputs}
    graph.inputs = list(dict.fromkeys(
        t for op in ops for t in op.inputs
        if t >= 0 and t not in written and tensors[t].data is None and not tensors[t].variable))
    graph.outputs = list(outputs if outputs is not None else ops[-1].outputs)
    model.subgraphs = [graph]
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _tensor(schema, model, index: int, spec: Spec):
    t = schema.TensorT()
    t.name = spec.name or f"t{index}"
    t.shape = list(spec.shape)
    t.type = getattr(schema.TensorType, spec.dtype)
    t.isVariable = spec.variable
    t.buffer = 0
    if spec.data is not None:
        buf = schema.BufferT()
        buf.data = np.frombuffer(np.ascontiguousarray(spec.data).tobytes(), np.uint8)
        model.buffers.append(buf)
        t.buffer = len(model.buffers) - 1
    if spec.scale is not None:
        q = schema.QuantizationParametersT()
        q.scale, q.zeroPoint = [float(spec.scale)], [int(spec.zero_point)]
        t.quantization = q
    return t
