"""tflite-micro refuses a model in which an op writes a tensor with a zero (or negative)
dimension ("dynamic tensors are not supported"); so does mcugen, naming the tensor. A Keras 2
GRU with reset_after=False converts to such a SPLIT_V (its third part is 1x0)."""
from __future__ import annotations

from mcugen.ops import unsupported_reason
from tests.canonicalise.graphs import Builder


def _split_v(sizes):
    b = Builder()
    x = b.act((1, 16))
    parts = [b.act((1, n)) for n in sizes]
    b.op("SPLIT_V", [x, b.const(list(sizes)), b.const(1)], parts, num_splits=len(sizes))
    graph = b.graph([x], parts)
    return graph, graph.ops[0]


def test_an_empty_output_is_refused_like_tflite_micro():
    graph, op = _split_v((8, 8, 0))
    reason = unsupported_reason(graph, op)
    assert reason is not None and "shape [1, 0]" in reason and "empty" in reason


def test_the_same_split_without_an_empty_part_is_accepted():
    graph, op = _split_v((8, 8))
    assert unsupported_reason(graph, op) is None
