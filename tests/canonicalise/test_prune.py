"""Ops whose outputs nothing reads go; model outputs and what feeds them stay."""
from __future__ import annotations

from mcugen.canonicalise.prune import drop_dead_ops

from .graphs import Builder


def test_unread_ops_go_and_the_rest_stays():
    b = Builder()
    x, dead, y, z = b.act((1, 6)), b.act((6,)), b.act((1, 6)), b.act((2, 3))
    b.op("RESHAPE", [x], [dead])  # read by nothing
    b.op("RELU", [x], [y])
    b.op("RESHAPE", [y], [z])
    out = drop_dead_ops(b.graph([x], [z]))
    assert [(op.index, op.kind, op.outputs) for op in out.ops] == [(0, "RELU", (y,)), (1, "RESHAPE", (z,))]
    assert drop_dead_ops(out) is out
