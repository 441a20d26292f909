"""`mcugen plan A B` and `mcugen generate A B`: several models in one firmware, end to end."""
from __future__ import annotations

import json
from pathlib import Path

from mcugen.cli import main

MODELS = (Path(__file__).resolve().parents[2] / "../shared/models").resolve()
HELLO = str(MODELS / "hello_world/hello_world_int8.tflite")
KEYWORD = str(MODELS / "breadth/keyword_scrambled_8bit.tflite")
AD = str(MODELS / "ad/ad01_int8.tflite")


def test_plan_json_shares_the_largest_arena_and_lays_the_models_end_to_end(capsys):
    assert main(["plan", HELLO, KEYWORD, AD, "--json", "--no-tflm", "--time-budget", "0.3"]) == 0
    doc = json.loads(capsys.readouterr().out)
    models = doc["models"]
    assert [m["prefix"] for m in models] == ["hello_world_int8", "keyword_scrambled_8bit", "ad01_int8"]
    sizes = [m["arena_bytes"] for m in models]
    assert doc["arena_bytes"] == max(sizes) and doc["separate_arena_bytes"] == sum(sizes)
    assert doc["saving_bytes"] == sum(sizes) - max(sizes) and not doc["concurrent"]
    assert [m["base"] for m in models] == [0, 0, 0]
    assert doc["state_bytes"] == models[1]["state_bytes"] == 5_120
    timeline = doc["timeline"]
    assert len(timeline) == sum(m["steps"] for m in models)
    assert [t["step"] for t in timeline] == list(range(len(timeline)))
    assert [t["model"] for t in timeline] == [m["prefix"] for m in models for _ in range(m["steps"])]
    for m in models:  # every model's peak in use fits its arena and reaches its lower bound
        used = [t["arena_in_use_bytes"] for t in timeline if t["model"] == m["prefix"]]
        assert m["lower_bound_bytes"] <= max(used) <= m["arena_bytes"]


def test_plan_concurrent_table_and_plot(capsys, tmp_path):
    svg = tmp_path / "both.svg"
    assert main(["plan", HELLO, AD, "--concurrent", "--name", "sine,ad", "--no-tflm", "--time-budget", "0.3",
                 "--plot", str(svg), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["concurrent"] and doc["arena_bytes"] == doc["separate_arena_bytes"] and doc["saving_bytes"] == 0
    assert [m["base"] for m in doc["models"]] == [0, doc["models"][0]["arena_bytes"]]
    text = svg.read_text()
    assert "sine: " in text and "ad: " in text and "separate arenas" in text
    assert main(["plan", HELLO, AD, "--no-tflm", "--time-budget", "0.3"]) == 0
    out = capsys.readouterr().out
    assert "Models in one firmware" in out and "Memory over time" in out and "saving" in out


def test_plan_of_several_refuses_what_needs_one(capsys, tmp_path):
    assert main(["plan", HELLO, AD, "--tflm-offline", str(tmp_path / "x.tflite")]) == 2
    assert "give one MODEL" in capsys.readouterr().err
    assert main(["plan", HELLO, AD, "--name", "a"]) == 2
    assert "1 prefix(es) for 2 models" in capsys.readouterr().err


def test_generate_two_models_writes_one_library(capsys, tmp_path):
    out = tmp_path / "lib"
    assert main(["generate", HELLO, AD, "-o", str(out), "--name", "sine,ad", "--json", "--no-size"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [m["prefix"] for m in doc["models"]] == ["sine", "ad"] and not doc["concurrent"]
    assert doc["arena_bytes"] == max(m["arena_bytes"] for m in doc["models"])
    assert doc["separate_arena_bytes"] - doc["arena_bytes"] == doc["saving_bytes"] > 0
    names = {p.name for p in out.iterdir()}
    assert {"sine.h", "sine.c", "sine_weights.c", "ad.h", "ad.c", "ad_weights.c", "mg_models.h",
            "mg_models.c", "fully_connected_s8.c", "mcugen.json"} <= names and "model.h" not in names
    manifest = json.loads((out / "mcugen.json").read_text())
    assert [m["prefix"] for m in manifest["models"]] == ["sine", "ad"]
    # again over its own output, concurrent this time, with the Cortex-M4 size report
    assert main(["generate", HELLO, AD, "-o", str(out), "--concurrent", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["concurrent"] and doc["code_bytes"] > 0
    assert {f["file"] for f in doc["files"]} >= {"hello_world_int8_weights.c", "ad01_int8.c", "mg_models.c"}


def test_generate_several_refuses_calibration_and_a_wrong_name_count(capsys, tmp_path):
    assert main(["generate", HELLO, AD, "-o", str(tmp_path / "a"), "--name", "a,b,c"]) == 2
    assert "3 prefix(es) for 2 models" in capsys.readouterr().err
    assert main(["generate", HELLO, AD, "-o", str(tmp_path / "b"), "--calibration", HELLO]) == 2
    assert "convert each first" in capsys.readouterr().err
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()
