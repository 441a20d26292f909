"""Several models in one C library (mcugen.codegen.models, mcugen.arena.combined): each model its
own prefix, files and C API, each kernel file once, one memory plan; bit-exact with each model's
tflite-micro on the host under ASan/UBSan, the models taking turns (sequential) or all inputs
written before any runs (concurrent)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from mcugen import pipeline
from mcugen.arena.combined import CombinedPlan, combine, verify_combined
from mcugen.arena.regions import RegionSpec
from mcugen.codegen.models import check_prefixes, default_prefixes, parse_names
from mcugen.convert.tflite_reader import read_graph
from mcugen.errors import ArenaError, McugenError
from mcugen.hostrun import build_host_models, diff_outputs, tflm_outputs
from tests.support.oracle import random_samples

HELLO = "hello_world/hello_world_int8.tflite"
KEYWORD = "breadth/keyword_scrambled_8bit.tflite"  # SVDF: persistent state, int16 input
AD = "ad/ad01_int8.tflite"
KWS = "kws/kws_ref_model.tflite"
IC = "ic/pretrainedResnet_quant.tflite"


def _load(shared_models, rels):
    data = [(shared_models / rel).read_bytes() for rel in rels]
    return data, [read_graph(d, name=(shared_models / rel).stem) for d, rel in zip(data, rels)]


def test_prefixes_from_file_names_and_by_hand():
    assert default_prefixes(["kws_ref_model", "pretrainedResnet-quant", "2d net", "kws_ref_model",
                             "mg_thing", "x" * 50]) == [
        "kws_ref_model", "pretrainedResnet_quant", "m_2d_net", "kws_ref_model_2", "model_mg_thing", "x" * 40]
    assert parse_names("a, b", ["x", "y"]) == ["a", "b"]
    with pytest.raises(McugenError, match="2 prefix"):
        parse_names("a,b", ["x", "y", "z"])
    for bad, why in ((["kws", "KWS"], "alike"), (["mg_kws", "ic"], "mcugen's own"), (["1a", "b"], "C identifier")):
        with pytest.raises(McugenError, match=why):
            check_prefixes(bad)


def test_each_model_its_files_and_api_each_kernel_once(shared_models):
    _, graphs = _load(shared_models, [HELLO, AD])
    built = pipeline.generate_models(graphs, prefixes=["sine", "ad"])
    files = built.sources.files
    assert set(files) == {"sine.h", "sine.c", "sine_weights.c", "ad.h", "ad.c", "ad_weights.c",
                          "mg_models.h", "mg_models.c"}
    assert "int sine_invoke(void);" in files["sine.h"] and "int ad_invoke(void);" in files["ad.h"]
    assert '#include "mg_models.h"' in files["ad.h"] and "uint8_t mg_models_arena[" in files["mg_models.c"]
    assert "uint8_t ad_arena" not in files["ad.c"] and "mg_models_arena +" in files["ad.c"]
    # both models use FULLY_CONNECTED: its kernel once; weights stay per model
    assert built.sources.kernels.count("fully_connected_s8.c") == 1
    assert "sine_w" in files["sine_weights.c"] and "sine_w" not in files["ad_weights.c"]
    assert built.sources.weight_bytes == sum(lib.sources.weight_bytes for lib in built.libraries)
    # one model alone: exactly today's library
    one = pipeline.generate_models(graphs[:1], prefixes=["sine"])
    assert dict(one.sources.files) == dict(pipeline.generate(graphs[0], prefix="sine").sources.files)
    assert set(one.sources.files) == {"model.h", "model.c", "model_weights.c"}


def test_a_prefix_named_like_a_kernel_file_is_refused(shared_models):
    _, graphs = _load(shared_models, [HELLO, AD])
    with pytest.raises(McugenError, match="would both write fully_connected_s8"):
        pipeline.generate_models(graphs, prefixes=["fully_connected_s8", "ad"])


def test_sequential_models_share_the_largest_plan_concurrent_ones_the_sum(shared_models):
    _, graphs = _load(shared_models, [HELLO, KEYWORD, AD])
    seq = pipeline.generate_models(graphs, prefixes=["a", "b", "c"]).plan
    conc = pipeline.generate_models(graphs, prefixes=["a", "b", "c"], concurrent=True).plan
    sizes = [int(p.size) for p in seq.plans]
    assert seq.size == max(sizes) and seq.separate_size == sum(sizes) and seq.saving == sum(sizes) - max(sizes)
    assert conc.size == sum(sizes) and [b[""] for b in conc.bases] == [0, sizes[0], sizes[0] + sizes[1]]
    assert all(b == {"": 0} for b in seq.bases)
    # persistent state never shared: the recurrent model keeps its own array, beside the arena
    assert seq.state_size == conc.state_size == 5_120


def test_regions_share_per_region_and_concurrent_models_take_what_is_left(shared_models):
    """KWS fits the fast region whole, IC is split; sequential: per region the larger part;
    concurrent: IC planned over what KWS left of the fast region."""
    _, graphs = _load(shared_models, [KWS, IC])
    regions = (RegionSpec("fast", 16_384, 1, ".mg_fast"), RegionSpec("main", 1 << 20, 2))
    target = pipeline.Target("dsp", 16, regions)
    seq = pipeline.generate_models(graphs, target, prefixes=["kws", "ic"])
    parts = [{a.name: a.size for a in p.regions} for p in seq.plan.plans]
    assert seq.plan.region_sizes == {r: max(p.get(r, 0) for p in parts) for r in ("fast", "main")}
    assert seq.sources.arenas == ("mg_models_arena", "mg_models_arena_fast")
    conc = pipeline.generate_models(graphs, target, prefixes=["kws", "ic"], concurrent=True).plan
    kws_fast = {a.name: a.size for a in conc.plans[0].regions}["fast"]
    ic_fast = {a.name: a.size for a in conc.plans[1].regions}.get("fast", 0)
    assert conc.bases[1]["fast"] == kws_fast and kws_fast + ic_fast == conc.region_sizes["fast"] <= 16_384


def test_the_combined_plan_is_verified(shared_models):
    _, graphs = _load(shared_models, [HELLO, AD])
    conc = pipeline.generate_models(graphs, prefixes=["a", "b"], concurrent=True).plan
    overlapping = replace(conc, bases=({"": 0}, {"": 0}))
    with pytest.raises(ArenaError, match="share bytes"):
        verify_combined(overlapping)
    with pytest.raises(ArenaError, match="outside"):
        verify_combined(replace(conc, region_sizes={"": conc.size - 16}))
    # two models whose states cannot both fit beside the arena in any region
    main = (RegionSpec("main", 8_192, 1),)
    keyword = pipeline.generate_models(_load(shared_models, [KEYWORD])[1], pipeline.Target(regions=main)).plan
    assert isinstance(keyword, CombinedPlan) and keyword.state_in("main") == 5_120
    with pytest.raises(ArenaError, match="state area"):
        combine([keyword.plans[0]] * 2, regions=main)
    with pytest.raises(ArenaError, match="without the board's RAM regions"):
        combine(pipeline.generate_models(graphs, prefixes=["a", "b"]).plan.plans, regions=main)


@pytest.mark.parametrize("concurrent", [False, True], ids=["sequential", "concurrent"])
def test_two_models_with_state_bit_exact_under_asan(concurrent, shared_models, tmp_path):
    """hello_world and an SVDF model taking turns for 12 frames: each model's outputs equal its
    own tflite-micro's over the stream (the SVDF state carried, never clobbered by the other)."""
    data, graphs = _load(shared_models, [HELLO, KEYWORD])
    built = pipeline.generate_models(graphs, prefixes=["sine", "kw"], concurrent=concurrent)
    program = build_host_models(built.sources, tmp_path, graphs)
    samples = [random_samples(d, 12, seed=k) for k, d in enumerate(data)]
    outputs = program.run(samples, together=concurrent)
    for d, s, got in zip(data, samples, outputs):
        assert diff_outputs(got, tflm_outputs(d, s)) == ()


@pytest.mark.slow
@pytest.mark.parametrize("concurrent", [False, True], ids=["sequential", "concurrent"])
def test_kws_and_ic_for_mps2_an386_bit_exact_under_asan(concurrent, shared_models, tmp_path):
    """The board's dsp kernels and RAM regions (block RAM, SSRAM, PSRAM), both plans."""
    data, graphs = _load(shared_models, [KWS, IC])
    built = pipeline.generate_models(graphs, pipeline.Target.for_board("mps2_an386"), prefixes=["kws", "ic"],
                                     concurrent=concurrent)
    program = build_host_models(built.sources, tmp_path, graphs)
    samples = [random_samples(d, 3, seed=k) for k, d in enumerate(data)]
    for d, s, got in zip(data, samples, program.run(samples, together=concurrent)):
        assert diff_outputs(got, tflm_outputs(d, s)) == ()
