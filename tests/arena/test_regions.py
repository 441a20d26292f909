"""Placement over a board's RAM regions: the arena whole in the fastest region that holds it,
else split (hottest bytes to the fastest region, fit first), every region verified; the C uses one
arena symbol per region, in its linker section, and stays bit-exact with tflite-micro."""
from __future__ import annotations

from dataclasses import replace

import pytest

from mcugen import pipeline
from mcugen.arena import plan_arena
from mcugen.arena.lifetimes import build_problem
from mcugen.arena.regions import RegionSpec, accesses
from mcugen.arena.verify import verify_plan
from mcugen.errors import ArenaError

FAST = RegionSpec("fast", 16_384, 1, ".mg_fast")


@pytest.fixture(scope="module")
def models(shared_models):
    """name -> (canonical graph, scratch) with the dsp kernels (their im2col scratch included)."""
    out = {}
    for name, rel in (("kws", "kws/kws_ref_model.tflite"), ("ic", "ic/pretrainedResnet_quant.tflite"),
                      ("vww", "vww/vww_96_int8.tflite")):
        graph = pipeline.canonical(pipeline.load(shared_models / rel).graph)
        out[name] = graph, pipeline.scratch_of(pipeline.lower(graph, "dsp"))
    return out


def test_an_arena_that_fits_the_fastest_region_goes_there_whole(models):
    graph, scratch = models["kws"]
    single = plan_arena(graph, scratch)
    plan = plan_arena(graph, scratch, regions=(FAST, RegionSpec("main", 1 << 20, 2)))
    assert [(a.name, a.start, a.size) for a in plan.regions] == [("fast", 0, single.size)]
    assert plan.tensor_offsets == single.tensor_offsets


def test_a_model_too_big_for_the_main_region_alone_is_split_and_verified(models):
    """IC needs 35,040 bytes in one arena; 16 KiB fast + 24 KiB main hold it split."""
    graph, scratch = models["ic"]
    regions = (FAST, RegionSpec("main", 24_576, 2))
    plan = plan_arena(graph, scratch, regions=regions)
    assert [a.name for a in plan.regions] == ["fast", "main"]
    assert all(a.size <= a.capacity for a in plan.regions)
    assert plan.size == sum(a.size for a in plan.regions)
    for b in plan.buffers:  # every buffer inside one region
        area = plan.area_of(b.offset)
        assert area is not None and b.offset + b.size <= area.start + area.size
    verify_plan(graph, plan, scratch)
    # a region too small for the biggest live set is refused, with the numbers
    with pytest.raises(ArenaError, match="do not fit the board's RAM regions"):
        plan_arena(graph, scratch, regions=(FAST, RegionSpec("main", 8_192, 2)))


def test_the_hottest_bytes_go_to_the_fastest_region(models):
    """VWW split over 16 KiB fast and a large main region: the fast region serves more accesses
    per byte than the rest, and a verifier catches a buffer moved across a region edge."""
    graph, scratch = models["vww"]
    plan = plan_arena(graph, scratch, regions=(FAST, RegionSpec("main", 1 << 20, 2)))
    problem, _ = build_problem(graph, scratch)
    counts = accesses(graph, problem)
    fast = plan.regions[0]
    inside = [i for i, b in enumerate(plan.buffers) if fast.holds(b.offset)]
    outside = [i for i in range(len(plan.buffers)) if i not in inside]
    per_byte = lambda ids: sum(counts[i] for i in ids) / sum(plan.buffers[i].size for i in ids)  # noqa: E731
    assert inside and outside and per_byte(inside) > 2 * per_byte(outside)
    moved = next(b for b in plan.buffers if b.size > 64 and fast.holds(b.offset))
    bad = replace(plan, tensor_offsets={t: (fast.size - 16 if t in moved.tensors else o)
                                        for t, o in plan.tensor_offsets.items()})
    with pytest.raises(ArenaError):
        verify_plan(graph, bad, scratch)


def test_split_code_is_bit_exact_on_the_host(shared_models, tmp_path):
    """The generated C with two arenas (one in its own section) against tflite-micro."""
    from mcugen.hostrun import build_host, diff_outputs, tflm_outputs
    from tests.support.oracle import random_samples

    model = (shared_models / "ic" / "pretrainedResnet_quant.tflite").read_bytes()
    graph = pipeline.load(shared_models / "ic" / "pretrainedResnet_quant.tflite").graph
    target = pipeline.Target("dsp", 16, (FAST, RegionSpec("main", 24_576, 2)))
    library = pipeline.generate(graph, target)
    assert library.sources.arenas == ("model_arena", "model_arena_fast")
    model_c = library.sources.files["model.c"]
    assert 'uint8_t model_arena_fast[MODEL_ARENA_FAST_BYTES] __attribute__((section(".mg_fast")))' in model_c
    assert "#define MODEL_ARENA_TOTAL_BYTES" in library.sources.files["model.h"]
    program = build_host(library.sources, tmp_path, graph=graph)
    samples = random_samples(model, 3, seed=4)
    assert diff_outputs(program.run(samples), tflm_outputs(model, samples)) == ()


def test_state_goes_to_the_fastest_region_with_room(shared_models):
    graph = pipeline.canonical(pipeline.load(shared_models / "breadth" / "keyword_scrambled_8bit.tflite").graph)
    scratch = pipeline.scratch_of(pipeline.lower(graph))
    plan = plan_arena(graph, scratch, regions=(RegionSpec("tiny", 1024, 1, ".t"), RegionSpec("main", 1 << 20, 2)))
    assert plan.state_size == 5_120 and plan.state_region == "main"  # 288 B of arena in tiny, no room
    assert [a.name for a in plan.regions] == ["tiny"]
