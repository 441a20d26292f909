"""`mcugen plan --board B` where only the in-place plan fits the board's RAM regions: the plan
without in-place reuse is reported as not fitting instead of failing the whole command."""
from __future__ import annotations

import json

import pytest

from mcugen import pipeline
from mcugen.arena.regions import RegionSpec
from mcugen.cli import main
from mcugen.errors import ArenaError
from tests.support.oracle import seeded_model, to_int8


def _branches(k, x):  # two branch outputs alive at once, the add in place of one of them
    return k.layers.Add()([k.layers.Conv2D(20, 3, padding="same")(x), k.layers.Conv2D(20, 1)(x)])


@pytest.fixture(scope="module")
def branches(tmp_path_factory):
    model, rng = seeded_model(_branches, (120, 120, 8), 5)
    path = tmp_path_factory.mktemp("branches") / "branches.tflite"
    path.write_bytes(to_int8(model, rng=rng))
    return path


def test_plans_both_ways_leaves_out_the_plan_that_does_not_fit(branches):
    graph = pipeline.canonical(pipeline.load(branches).graph)
    scratch = pipeline.scratch_of(pipeline.lower(graph, "dsp"))
    alone = pipeline.plans_both_ways(graph, scratch, 16)
    assert alone[False].size > alone[True].size
    main_ram = (RegionSpec("main", alone[True].size, 1),)
    plans = pipeline.plans_both_ways(graph, scratch, 16, regions=main_ram)
    assert list(plans) == [True] and plans[True].size <= alone[True].size
    with pytest.raises(ArenaError):  # where the in-place plan does not fit either, that is the error
        pipeline.plans_both_ways(graph, scratch, 16, regions=(RegionSpec("main", 1024, 1),))


def test_plan_command_reports_it(branches, capsys):
    assert main(["--no-progress", "plan", str(branches), "--board", "nucleo_h743zi", "--no-tflm", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["arena_bytes_no_inplace"] is None and doc["arena_bytes"] > 0
    assert {r["name"] for r in doc["regions"]} == {"dtcm", "axi", "d2sram"}
    assert main(["--no-progress", "plan", str(branches), "--board", "nucleo_h743zi", "--no-tflm"]) == 0
    assert "does not fit the RAM regions" in capsys.readouterr().out
    assert main(["--no-progress", "plan", str(branches), "--board", "nucleo_h743zi", "--no-tflm", "--no-inplace"]) != 0
    assert "drop --no-inplace" in capsys.readouterr().err
