"""View chains collapse to one view; a tensor in the middle that something else reads keeps it."""
from __future__ import annotations

from mcugen.canonicalise import canonicalise
from mcugen.canonicalise.views import collapse_views

from .graphs import Builder


def test_a_chain_of_views_is_one_view():
    b = Builder()
    x, a, c, y = b.act((1, 2, 6)), b.act((1, 1, 2, 6)), b.act((2, 6)), b.act((12,))
    b.op("EXPAND_DIMS", [x, b.const(1)], [a])
    b.op("SQUEEZE", [a], [c], squeeze_dims=[0, 1])
    b.op("RESHAPE", [c, b.const([12])], [y])
    out = canonicalise(b.graph([x], [y]))
    assert [(op.kind, op.inputs, op.outputs) for op in out.ops] == [("RESHAPE", (x,), (y,))]


def test_a_shared_middle_tensor_keeps_the_chain_apart():
    b = Builder()
    x, a, y, z = b.act((1, 6)), b.act((6,)), b.act((2, 3)), b.act((6,))
    b.op("RESHAPE", [x], [a])
    b.op("RESHAPE", [a], [y])
    b.op("RELU", [a], [z])
    graph = b.graph([x], [y, z])
    assert collapse_views(graph) is graph
