"""The planner on the real models, against TFLite Micro's own planning and runtime."""
from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from mcugen.arena import plan_arena
from mcugen.arena.tflm_offline import with_offline_plan
from mcugen.convert.tflite_reader import read_graph
from mcugen.oracle import TflmOracle, tflm_arena_usage

MODELS = Path(__file__).resolve().parents[2] / "../shared/models"
INT8_MODELS = {
    "kws": "kws/kws_ref_model.tflite",
    "vww": "vww/vww_96_int8.tflite",
    "ic": "ic/pretrainedResnet_quant.tflite",
    "ad": "ad/ad01_int8.tflite",
    "hello_world": "hello_world/hello_world_int8.tflite",
}


@pytest.fixture(scope="module", params=sorted(INT8_MODELS))
def model(request):
    path = (MODELS / INT8_MODELS[request.param]).resolve()
    buf = path.read_bytes()
    return request.param, path, buf, read_graph(buf, name=request.param)


def test_no_inplace_plan_beats_tflm_and_is_optimal_when_proven(model):
    name, path, _, graph = model
    head = tflm_arena_usage(str(path)).head
    plan = plan_arena(graph, inplace=False)
    assert plan.size <= head, name
    assert plan.lower_bound <= plan.size
    if plan.optimal:
        assert plan.size == plan.lower_bound
    inplace = plan_arena(graph, inplace=True)
    assert inplace.size <= plan.size and inplace.lower_bound <= plan.lower_bound


@pytest.mark.parametrize("name, no_aliasing_bound", [("kws", 16_000), ("vww", 55_296)])
def test_inplace_with_streaming_goes_below_the_no_aliasing_bound(name, no_aliasing_bound):
    graph = read_graph((MODELS / INT8_MODELS[name]).read_bytes(), name=name)
    assert plan_arena(graph, inplace=False).lower_bound == no_aliasing_bound
    plan = plan_arena(graph, inplace=True)
    assert plan.size < no_aliasing_bound
    assert any(b.overlaps for b in plan.buffers)  # streaming overlap is what gets it there


def test_resnet_adds_write_in_place():
    graph = read_graph((MODELS / INT8_MODELS["ic"]).read_bytes())
    plan = plan_arena(graph, inplace=True)
    adds = [op for op in graph.ops if op.kind == "ADD"]
    in_place = [op for op in adds
                if any(plan.tensor_offsets[i] == plan.tensor_offsets[op.outputs[0]] for i in op.inputs)]
    assert len(adds) == 3 and in_place == adds
    assert plan.size < plan_arena(graph, inplace=False).lower_bound


def _random_inputs(graph, count, seed=0):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        yield [rng.integers(-128, 128, size=graph.tensors[t].shape, dtype=np.int8) for t in graph.inputs]


@pytest.mark.slow
def test_tflm_offline_plan_is_honoured_exactly(model, tmp_path):
    name, _, buf, graph = model
    plan = plan_arena(graph, inplace=False)
    planned = tmp_path / f"{name}_offline.tflite"
    planned.write_bytes(with_offline_plan(buf, plan))
    assert tflm_arena_usage(str(planned)).head == plan.size
    original, offline = TflmOracle(buf), TflmOracle(planned.read_bytes())
    for x in _random_inputs(graph, 100):
        for a, b in zip(original.run(x), offline.run(x)):
            np.testing.assert_array_equal(a, b)


def test_an_overlapping_offline_plan_corrupts_tflm_outputs():
    """TFLM trusts offline plans blindly: the comparison above would catch a bad one."""
    buf = (MODELS / INT8_MODELS["kws"]).read_bytes()
    graph = read_graph(buf)
    plan = plan_arena(graph, inplace=False)
    clash = dataclasses.replace(plan, tensor_offsets={t: 0 for t in plan.tensor_offsets})
    original, offline = TflmOracle(buf), TflmOracle(with_offline_plan(buf, clash))
    differs = any(not np.array_equal(a, b) for x in _random_inputs(graph, 5)
                  for a, b in zip(original.run(x), offline.run(x)))
    assert differs


def test_tflm_offline_refuses_in_place_plans():
    from mcugen.errors import ArenaError

    buf = (MODELS / INT8_MODELS["kws"]).read_bytes()
    with pytest.raises(ArenaError, match="in-place"):
        with_offline_plan(buf, plan_arena(read_graph(buf), inplace=True))
