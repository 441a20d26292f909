"""Identity QUANTIZE int8 -> int8 and DEQUANTIZE -> QUANTIZE pairs vanish; real conversions stay."""
from __future__ import annotations

from mcugen.canonicalise import canonicalise
from mcugen.ir import Quant

from .graphs import Q, Builder


def chain(kind_pairs, out_quant=Q):
    b = Builder()
    x = b.act((4,))
    mid = b.act((4,))
    b.op("RELU", [x], [mid])
    t = mid
    for kind in kind_pairs:
        nxt = b.act((4,), "FLOAT32", None) if kind == "DEQUANTIZE" else b.act((4,), quant=out_quant)
        b.op(kind, [t], [nxt])
        t = nxt
    y = b.act((4,))
    b.op("RELU", [t], [y])
    return b.graph([x], [y]), mid


def test_identity_quantize_vanishes():
    graph, mid = chain(["QUANTIZE"])
    out = canonicalise(graph)
    assert [op.kind for op in out.ops] == ["RELU", "RELU"] and out.ops[1].inputs == (mid,)


def test_dequantize_quantize_identity_vanishes():
    graph, mid = chain(["DEQUANTIZE", "QUANTIZE"])
    out = canonicalise(graph)
    assert [op.kind for op in out.ops] == ["RELU", "RELU"] and out.ops[1].inputs == (mid,)


def test_requantization_stays():
    graph, _ = chain(["QUANTIZE"], out_quant=Quant((0.05,), (4,)))
    assert canonicalise(graph) is graph
    # through float: one QUANTIZE that is a table of the pair's float arithmetic (float_islands)
    graph, mid = chain(["DEQUANTIZE", "QUANTIZE"], out_quant=Quant((0.1,), (3,)))
    out = canonicalise(graph)
    assert [op.kind for op in out.ops] == ["RELU", "QUANTIZE", "RELU"] and out.ops[1].inputs == (mid,)


def test_identity_into_a_model_output_becomes_a_view():
    b = Builder()
    x, mid, y = b.act((4,)), b.act((4,)), b.act((4,))
    b.op("RELU", [x], [mid])
    b.op("QUANTIZE", [mid], [y])
    out = canonicalise(b.graph([x], [y]))
    assert [(op.kind, op.inputs, op.outputs) for op in out.ops] == [("RELU", (x,), (mid,)), ("RESHAPE", (mid,), (y,))]
