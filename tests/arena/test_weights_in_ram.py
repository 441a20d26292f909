"""--weights-in-ram BYTES: the constants read most per byte (convolution filters) get a RAM copy
made before the first invoke, the kernels read the copy, and the plan and the fit check count it;
the outputs stay bit-exact with tflite-micro."""
from __future__ import annotations

import re

import pytest

from mcugen import pipeline
from mcugen.arena.regions import RegionSpec
from mcugen.arena.weights import choose
from tests.faults.conftest import run_mcugen


def _kws(shared_models):
    return pipeline.load(shared_models / "kws/kws_ref_model.tflite").graph


def test_the_hottest_constants_fit_the_budget(shared_models):
    graph = pipeline.canonical(_kws(shared_models))
    calls = pipeline.lower(graph, "dsp")
    chosen = choose(graph, calls, 10_000)
    assert 0 < chosen.size <= 10_000 and all(c.offset % 16 == 0 for c in chosen.copies)
    heat = [c.reads / c.nbytes for c in chosen.copies]
    assert heat == sorted(heat, reverse=True)
    # small per-channel arrays (read once per output) and the convolution filters (each byte read
    # ~125 times per inference) go first; colder constants only into the few bytes they leave
    hot = sum(-(-c.nbytes // 16) * 16 for c, h in zip(chosen.copies, heat) if h > 100)
    assert heat[0] > 100 and hot > 10_000 - 64 and any(c.nbytes == 64 * 64 for c in chosen.copies)
    dense = next(c for c in calls if c.kind == "FULLY_CONNECTED")
    weights = max(dense.consts, key=lambda a: len(a.values))
    assert ("const", weights.ctype, weights.values) not in {c.key for c in choose(graph, calls, 4_096).copies}
    assert choose(graph, calls, 0).copies == () and choose(graph, calls, 8).copies == ()  # none fits 8 B


def test_copies_are_read_by_the_kernels_and_bit_exact(shared_models, tmp_path):
    from mcugen.hostrun import build_host, diff_outputs, tflm_outputs
    from tests.support.oracle import random_samples

    graph = _kws(shared_models)
    model = (shared_models / "kws/kws_ref_model.tflite").read_bytes()
    library = pipeline.generate(graph, pipeline.Target("dsp", 16, (), 8192))
    model_c = library.sources.files["model.c"]
    assert library.sources.weights_ram_bytes == library.weights_in_ram.size > 0
    assert "uint8_t model_wram[MODEL_WEIGHTS_RAM_BYTES]" in model_c
    assert len(re.findall(r"\(const \w+ \*\)\(model_wram \+ \d+\)", model_c)) >= len(library.weights_in_ram.copies)
    program = build_host(library.sources, tmp_path, graph=graph)
    samples = random_samples(model, 4, seed=6)
    assert diff_outputs(program.run(samples), tflm_outputs(model, samples)) == ()


def test_the_copies_take_room_in_the_fastest_region(shared_models):
    """On a board with regions the copy area sits in the fastest one, in its section, and the
    arena gets what is left there."""
    graph = _kws(shared_models)
    fast = RegionSpec("fast", 16_384, 1, ".mg_fast")
    library = pipeline.generate(graph, pipeline.Target("dsp", 16, (fast, RegionSpec("main", 1 << 20, 2)), 8192))
    assert '__attribute__((section(".mg_fast")))' in library.sources.files["model.c"].split("model_wram[")[1][:80]
    assert library.plan.regions[0].name == "fast"
    assert library.plan.regions[0].size + library.weights_in_ram.size <= fast.capacity


@pytest.mark.slow
def test_build_counts_the_copies_and_runs_bit_exact(shared_models, tmp_path):
    fw = tmp_path / "fw"
    proc = run_mcugen("build", str(shared_models / "kws/kws_ref_model.tflite"), "--board", "netduinoplus2",
                      "-o", str(fw), "--run", "--weights-in-ram", "8192", cwd=tmp_path, timeout=900)
    assert proc.returncode == 0, proc.stderr
    assert "8.0 KiB of weights copied to" in proc.stderr and "PASS 3/3" in proc.stderr
    assert "RAM: weights copied from flash" in proc.stdout
