"""A dynamic batch is fixed to 1.

TensorFlow writes a model converted with batch None with shape_signature -1 on the batch and 1
in its static shapes, but the static shapes of tensors behind ops that move data across the batch
(SPACE_TO_BATCH_ND of a dilated convolution, say) are then not the ones the model computes with
at batch 1. tflite-micro (which never resizes) and mcugen (which plans from static shapes) both
need them right: LiteRT runs the model once at batch 1, and every tensor whose shape is not what
LiteRT found gets it, in a copy of the file. Only models with such ops are run (they are what
makes the static shapes wrong). A model whose static shapes are right already (the
usual case) is returned unchanged, byte for byte."""
from __future__ import annotations

import numpy as np

from mcugen.convert.tflite_reader import input_signatures


def _builtin(name: str) -> int:
    from ai_edge_litert import schema_py_generated as schema

    return int(getattr(schema.BuiltinOperator, name))


# ops whose output batch is not their input's: behind them TensorFlow's static shapes may be wrong
_BATCH_MOVERS = {_builtin("SPACE_TO_BATCH_ND"), _builtin("BATCH_TO_SPACE_ND")}


def _batch_one_shapes(tflite: bytes) -> dict[int, tuple[int, ...]]:
    """Every tensor's shape when LiteRT runs the model once on zeros at batch 1."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    it = Interpreter(model_content=tflite, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    for d in it.get_input_details():
        it.resize_tensor_input(d["index"], [1, *(int(x) for x in d["shape"][1:])])
    it.allocate_tensors()
    for d in it.get_input_details():
        it.set_tensor(d["index"], np.zeros(d["shape"], dtype=d["dtype"]))
    it.invoke()
    return {int(d["index"]): tuple(int(x) for x in d["shape"]) for d in it.get_tensor_details()}


def fix_dynamic_batch(tflite: bytes) -> tuple[bytes, str | None]:
    """(`tflite` with its batch fixed to 1, the note saying so), or (`tflite`, None) when its
    batch is static or nothing depends on it. A model whose static shapes are right but whose
    shape math (SHAPE) reads the batch comes back unchanged with a note: folding fixes it to 1."""
    dynamic = [name for name, sig in input_signatures(tflite) if sig and sig[0] == -1]
    if not dynamic:
        return tflite, None
    import flatbuffers
    from ai_edge_litert import schema_py_generated as schema

    model = schema.ModelT.InitFromPackedBuf(bytearray(tflite), 0)
    codes = {max(int(c.builtinCode), int(c.deprecatedBuiltinCode)) for c in model.operatorCodes or []}
    if not codes & _BATCH_MOVERS:  # every op keeps the batch where it is: the static 1 is right
        if _builtin("SHAPE") in codes:  # but shape math reads it: folded at batch 1 (canonicalise.fold)
            return tflite, (f"input {', '.join(dynamic)} has a dynamic batch dimension: fixed to 1 (its "
                            "shape computations are folded at batch 1; the generated code runs one "
                            "sample per call)")
        return tflite, None
    try:
        shapes = _batch_one_shapes(tflite)
    except Exception:  # noqa: BLE001 - LiteRT cannot run it either: left as it is, lowered or refused as usual
        return tflite, None
    fixed = 0
    for tid, t in enumerate(model.subgraphs[0].tensors or []):
        shape = shapes.get(tid)
        old = tuple(int(d) for d in (t.shape if t.shape is not None else ()))
        data = model.buffers[t.buffer].data if 0 < t.buffer < len(model.buffers) else None
        if shape is None or shape == old or (data is not None and len(data)):  # constants are right
            continue
        t.shape = list(shape)
        t.shapeSignature = list(shape)
        fixed += 1
    if not fixed:
        return tflite, None
    for tid in model.subgraphs[0].inputs:
        model.subgraphs[0].tensors[tid].shapeSignature = list(shapes[int(tid)])
    builder = flatbuffers.Builder(len(tflite) + 1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    note = (f"input {', '.join(dynamic)} has a dynamic batch dimension: fixed to 1 ({fixed} tensor "
            "shape(s) set to their batch-1 values; the generated code and tflite-micro's check run "
            "one sample per call)")
    return bytes(builder.Output()), note
