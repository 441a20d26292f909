"""Is a .tflite a full-integer model (int8, or 16x8: int16 activations with int8 weights)?
mcugen's kernels compute in integers only.

Float is allowed only where a model converts its own I/O (the input of QUANTIZE, the output of
DEQUANTIZE) and in islands that only move float elements between a DEQUANTIZE and QUANTIZEs
(canonicalise/float_islands.py makes those int8); a float (or legacy uint8) tensor anywhere else means the model was not converted
full-integer, and re-converting is the cure. Other integer types are not judged here: an int8
model may keep int16 state (LSTM cell state) or int16/int32 I/O, and whether mcugen has a kernel
for such an op is the op check's to say (`mcugen.ops.unsupported_reason`: "no mcugen kernel yet").
"""
from __future__ import annotations

from mcugen.canonicalise.float_islands import island
from mcugen.errors import UnsupportedModel
from mcugen.ir import Graph, Op

_FLOAT_DTYPES = {"FLOAT32", "FLOAT16", "FLOAT64"}
_NOT_FULL_INTEGER = _FLOAT_DTYPES | {"UINT8"}  # uint8: TensorFlow 1's asymmetric quantization


def _activation_dtypes(graph: Graph, op: Op) -> list[tuple[str, str]]:
    """(role, dtype) of the op's non-constant tensors, leaving out the float side of (DE)QUANTIZE."""
    found = []
    for tid in op.inputs:
        t = graph.tensors[tid] if tid >= 0 else None
        if t is not None and not t.is_constant and not (op.kind == "QUANTIZE" and t.dtype in _FLOAT_DTYPES):
            found.append(("input", t.dtype))
    for tid in op.outputs:
        t = graph.tensors[tid]
        if not (op.kind == "DEQUANTIZE" and t.dtype in _FLOAT_DTYPES):
            found.append(("output", t.dtype))
    return found


def non_int8_ops(graph: Graph) -> list[str]:
    """One line per op that computes in float (or uint8), e.g. 'op 3 CONV_2D (FLOAT32 input)'."""
    moves_only = set()
    for op in graph.ops:
        found = island(graph, op)
        if found is not None:
            moves_only |= found[1]
    problems = []
    for op in graph.ops:
        if op.index in moves_only:
            continue
        bad = sorted({f"{dtype} {role}" for role, dtype in _activation_dtypes(graph, op)
                      if dtype in _NOT_FULL_INTEGER})
        if bad:
            problems.append(f"op {op.index} {op.kind} ({', '.join(bad)})")
    return problems


def is_float_model(graph: Graph) -> bool:
    """True for a plain float (or dynamic-range) model: no int8 or int16 activation anywhere."""
    activations = [graph.tensors[t] for t in graph.activation_ids]
    return bool(activations) and not any(t.dtype in ("INT8", "INT16") for t in activations)


def require_int8(graph: Graph, source_name: str, converted: bool = False) -> None:
    """Raise UnsupportedModel unless every op of `graph` computes in int8.

    `converted`: the graph is mcugen's own conversion of a float model, so re-converting is no cure.
    """
    if is_float_model(graph):
        raise UnsupportedModel(
            f"{source_name}: a float .tflite; mcugen needs a full-integer int8 model",
            hint="int8 conversion needs the original Keras (.h5/.keras) or SavedModel source: "
                 "run `mcugen convert MODEL.h5 --calibration DATA.npy`")
    problems = non_int8_ops(graph)
    if problems:
        shown = "; ".join(problems[:5]) + (f"; and {len(problems) - 5} more" if len(problems) > 5 else "")
        hint = ("TensorFlow has no int8 kernel for these ops and left them in float; replace those layers "
                "(Conv2D, DepthwiseConv2D, Dense, pooling, Add, Mul, ReLU, Softmax, ... quantize)"
                if converted else
                "convert full-integer (inference_input/output_type int8, TFLITE_BUILTINS_INT8 only), "
                "e.g. with `mcugen convert` on the Keras or SavedModel source")
        raise UnsupportedModel(f"{source_name}: op(s) not computed in int8: {shown}", hint=hint)
