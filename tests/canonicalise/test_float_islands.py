"""Float islands that only move data (DEQUANTIZE -> SPLIT/RESHAPE/... in float -> QUANTIZE) become
the same moves on int8 plus one through-float table per QUANTIZE; an island that computes in
float stays (and is refused as not int8). The real check: a converted model edited to hold such an
island, with requantizing QUANTIZEs, is bit-exact with tflite-micro."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.canonicalise import canonicalise
from mcugen.canonicalise.float_islands import THROUGH_FLOAT
from mcugen.convert.int8_check import non_int8_ops
from mcugen.ir import Quant
from mcugen.ops import lower_graph
from mcugen.ops.builtin.quantize import through_float_table

from .graphs import Q, Builder

OTHER = Quant((0.07,), (-9,))


def split_island(middle_kind="SPLIT"):
    """RELU -> DEQUANTIZE -> SPLIT (float) -> QUANTIZE (other scale) x2 -> RELU x2."""
    b = Builder()
    x, mid = b.act((1, 8)), b.act((1, 8))
    b.op("RELU", [x], [mid])
    f = b.act((1, 8), "FLOAT32", None)
    b.op("DEQUANTIZE", [mid], [f])
    axis = b.const(1)
    parts = [b.act((1, 4), "FLOAT32", None), b.act((1, 4), "FLOAT32", None)]
    if middle_kind == "SPLIT":
        b.op("SPLIT", [axis, f], parts, num_splits=2)
    else:  # arithmetic in float: not an island
        b.op(middle_kind, [f, f], [parts[0]])
        parts = parts[:1]
    outs = []
    for part in parts:
        q, y = b.act((1, 4), quant=OTHER), b.act((1, 4))
        b.op("QUANTIZE", [part], [q])
        b.op("RELU", [q], [y])
        outs.append(y)
    return b.graph([x], outs), mid


def test_a_moves_only_island_becomes_int8():
    graph, mid = split_island()
    assert non_int8_ops(graph) == []  # nothing computes in float
    out = canonicalise(graph)
    assert [op.kind for op in out.ops] == ["RELU", "SPLIT", "QUANTIZE", "RELU", "QUANTIZE", "RELU"]
    split = out.ops[1]
    assert split.inputs[1] == mid
    assert all(out.tensor(t).dtype == "INT8" and out.tensor(t).quant == Q for t in split.outputs)
    assert all(op.options.get(THROUGH_FLOAT) for op in out.ops if op.kind == "QUANTIZE")
    calls = lower_graph(out)
    assert [c.kernel for c in calls if c.kind == "QUANTIZE"] == ["lut", "lut"]


def test_an_island_that_computes_in_float_stays_and_is_refused():
    graph, _ = split_island("ADD")
    assert canonicalise(graph).ops == graph.ops
    assert [line.split(" (")[0] for line in non_int8_ops(graph)] == ["op 2 ADD"]


def test_the_through_float_table_is_tflite_micros_float_arithmetic():
    """(q - zp) * scale in float32, / out scale in float32, halves away from zero: checked on a
    scale pair where a float64 computation would round differently."""
    qi, qo = Quant((0.1,), (0,)), Quant((0.2,), (0,))
    table = through_float_table(qi, qo)
    for q in (-128, -5, -1, 0, 1, 5, 127):
        x = np.float32(np.float32(q) * np.float32(0.1)) / np.float32(0.2)
        assert table[q + 128] == max(-128, min(127, int(np.sign(x) * np.floor(abs(float(x)) + 0.5))))
    assert table[5 + 128] == 3 and table[-5 + 128] == -3  # 2.5 -> 3, -2.5 -> -3 (away from zero)


def island_model(seed: int) -> bytes:
    """A converted Dense -> SPLIT -> 3 Dense model, edited as TensorFlow sometimes leaves an
    unrolled GRU: the SPLIT in float between a DEQUANTIZE and three requantizing QUANTIZEs."""
    import flatbuffers
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    from tests.support.oracle import tf, to_int8

    t = tf()
    k = t.keras
    k.utils.set_random_seed(seed)
    x = k.Input((6,), batch_size=1)
    parts = k.layers.Lambda(lambda v: t.split(v, 3, axis=-1))(k.layers.Dense(12)(x))
    y = k.layers.Concatenate()([k.layers.Dense(2)(p) for p in parts])
    m = schema.ModelT.InitFromObj(schema.Model.GetRootAs(to_int8(k.Model(x, y), seed=seed), 0))
    g = m.subgraphs[0]
    codes = [oc.builtinCode for oc in m.operatorCodes]
    split = next(op for op in g.operators if codes[op.opcodeIndex] == schema.BuiltinOperator.SPLIT)
    split.inputs, split.outputs = [int(t) for t in split.inputs], [int(t) for t in split.outputs]

    def tensor_like(tid: int, dtype: int, scale=None, zero_point=None) -> int:
        src = g.tensors[tid]
        new = schema.TensorT()
        new.shape, new.type, new.buffer, new.name = list(src.shape), dtype, 0, f"{src.name}/island"
        if scale is not None:
            new.quantization = schema.QuantizationParametersT()
            new.quantization.scale, new.quantization.zeroPoint = [scale], [zero_point]
        g.tensors.append(new)
        return len(g.tensors) - 1

    def opcode(kind: int) -> int:
        code = schema.OperatorCodeT()
        code.builtinCode, code.deprecatedBuiltinCode, code.version = kind, kind, 1
        m.operatorCodes.append(code)
        return len(m.operatorCodes) - 1

    def op(code: int, inputs: list[int], outputs: list[int]):
        new = schema.OperatorT()
        new.opcodeIndex, new.inputs, new.outputs = code, inputs, outputs
        return new

    deq, qua = opcode(schema.BuiltinOperator.DEQUANTIZE), opcode(schema.BuiltinOperator.QUANTIZE)
    source = split.inputs[1]
    floats = tensor_like(source, schema.TensorType.FLOAT32)
    new_ops = [op(deq, [source], [floats])]
    split.inputs[1] = floats
    rng = np.random.default_rng(seed)
    for k_out, out in enumerate(list(split.outputs)):
        q = g.tensors[out].quantization
        float_out = tensor_like(out, schema.TensorType.FLOAT32)
        split.outputs[k_out] = float_out
        new_ops.append(op(qua, [float_out], [out]))  # the int8 tensor keeps its readers
        q.scale = [float(q.scale[0]) * float(rng.uniform(0.6, 1.7))]  # requantizing, not identity
        q.zeroPoint = [int(q.zeroPoint[0]) + int(rng.integers(-9, 10))]
    at = g.operators.index(split)
    g.operators[at:at + 1] = [new_ops[0], split, *new_ops[1:]]
    builder = flatbuffers.Builder(4096)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_a_float_island_runs_bit_exact(seed, tmp_path):
    from mcugen.convert.tflite_reader import read_graph
    from tests.support.oracle import assert_exact, op_kinds, random_samples

    model = island_model(seed)
    assert op_kinds(model)[1:6] == ["DEQUANTIZE", "SPLIT", "QUANTIZE", "QUANTIZE", "QUANTIZE"]
    assert non_int8_ops(read_graph(model)) == []
    kernels = assert_exact(model, random_samples(model, 16, seed=seed), tmp_path)
    assert "lut" in kernels and "dequantize" not in kernels
