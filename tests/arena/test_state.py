"""Persistent state (variable tensors: an SVDF's history, an LSTM's cell) is planned in its own
area: never in the arena, where other buffers reuse bytes, and never shared between tensors."""
from __future__ import annotations

from dataclasses import replace

import pytest

from mcugen.arena import plan_arena
from mcugen.arena.verify import verify_plan
from mcugen.codegen import _state_resets
from mcugen.convert.tflite_reader import read_graph
from mcugen.errors import ArenaError


@pytest.fixture(scope="module")
def svdf_graph(shared_models):
    return read_graph((shared_models / "breadth" / "keyword_scrambled_8bit.tflite").read_bytes())


def test_variable_tensors_are_state_not_activations(svdf_graph):
    state = svdf_graph.state_ids
    assert len(state) == 7  # one activation history per SVDF layer
    assert not set(state) & set(svdf_graph.activation_ids)
    plan = plan_arena(svdf_graph)
    assert set(plan.state_offsets) == set(state)
    assert not set(state) & set(plan.tensor_offsets)
    spans = sorted((plan.state_offsets[t], plan.state_offsets[t] + svdf_graph.tensor(t).nbytes) for t in state)
    assert all(hi <= lo for (_, hi), (lo, _) in zip(spans, spans[1:]))  # disjoint
    assert plan.state_size == sum(-(-svdf_graph.tensor(t).nbytes // 16) * 16 for t in state)


def test_verifier_rejects_shared_state(svdf_graph):
    plan = plan_arena(svdf_graph)
    first, second = svdf_graph.state_ids[:2]
    bad = replace(plan, state_offsets={**plan.state_offsets, second: plan.state_offsets[first]})
    with pytest.raises(ArenaError, match="overlap"):
        verify_plan(svdf_graph, bad)
    missing = replace(plan, state_offsets={t: o for t, o in plan.state_offsets.items() if t != first})
    with pytest.raises(ArenaError, match="no offset"):
        verify_plan(svdf_graph, missing)


def test_state_resets_as_tflite_micro(svdf_graph):
    """tflite-micro fills int8 state with its zero point byte, everything else with zeros."""
    plan = plan_arena(svdf_graph)
    resets = {r["tensor"]: r for r in _state_resets(svdf_graph, plan)}
    for tid in svdf_graph.state_ids:
        t = svdf_graph.tensor(tid)
        want = t.quant.zero_point & 0xFF if t.dtype == "INT8" else 0
        assert resets[tid]["byte"] == want and resets[tid]["bytes"] == t.nbytes
    assert {r["byte"] for r in resets.values()} != {0}  # the model's int8 state has nonzero zero points
