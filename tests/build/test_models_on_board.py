"""Several models in one firmware on an emulated board: KWS and IC on mps2_an386 (dsp kernels, RAM
regions), the self-test and the bench bit-exact for both, the arena the larger plan per region
(not the sum), one kernel library (the firmware smaller than the two apart); concurrent models
get disjoint bytes and pass too. The fit check counts the combined plan."""
from __future__ import annotations

import json
import re

import pytest

from mcugen.boards import BOARDS_DIR, load_board
from mcugen.elf import elf_sizes
from tests.faults.conftest import assert_one_clear_error, run_mcugen

KWS, IC = "kws/kws_ref_model.tflite", "ic/pretrainedResnet_quant.tflite"


def _build(shared_models, tmp_path, out, *extra):
    proc = run_mcugen("build", str(shared_models / KWS), str(shared_models / IC), "--name", "kws,ic",
                      "-o", str(out), *extra, cwd=tmp_path, timeout=900)
    assert proc.returncode == 0, proc.stderr
    return proc


def _flash(project, board) -> int:
    return elf_sizes(project / ".pio" / "build" / board.name / "firmware.elf", board).flash


@pytest.mark.slow
def test_kws_and_ic_in_one_firmware(shared_models, tmp_path):
    board = load_board("mps2_an386")
    both = tmp_path / "both"
    proc = _build(shared_models, tmp_path, both, "--run")
    assert "mcugen-selftest: PASS 2/2 models bit-exact with tflite-micro, sharing one arena" in proc.stderr
    for name in ("kws", "ic"):
        assert re.search(rf"mcugen-selftest: model {name}: PASS 3/3 samples bit-exact", proc.stderr), proc.stderr
    manifest = json.loads((both / "mcugen.json").read_text())
    assert [m["prefix"] for m in manifest["models"]] == ["kws", "ic"] and not manifest["concurrent"]
    # the arena: per RAM region the larger model's part, not the sum
    own = {m["prefix"]: m["arena_bytes"] for m in manifest["models"]}
    regions = {r["name"]: r for r in manifest["regions"]}
    assert manifest["arena_bytes"] == sum(r["arena"] for r in regions.values()) == max(own.values())
    assert manifest["separate_arena_bytes"] == sum(own.values())
    assert all(r["arena"] + r["state"] <= r["size"] for r in regions.values())
    # the bench: every model against its own tflite-micro, per model in the JSON
    out = tmp_path / "bench.json"
    bench = run_mcugen("bench", "--project", str(both), "--emulate", "-n", "2", "--json", str(out),
                       "--report", str(tmp_path / "bench.md"), cwd=tmp_path, timeout=600)
    assert bench.returncode == 0, bench.stderr
    doc = json.loads(out.read_text())
    assert doc["outputs_match"] and [m["prefix"] for m in doc["models"]] == ["kws", "ic"]
    assert all(m["outputs_match"] and m["n"] == 2 and m["layers"] for m in doc["models"])
    assert doc["arena_bytes"] == manifest["arena_bytes"]
    assert (tmp_path / "bench_kws_layers.png").is_file() and (tmp_path / "bench_ic_layers.png").is_file()
    # one model of the firmware alone
    one = run_mcugen("bench", str(shared_models / IC), "--project", str(both), "--emulate", "-n", "1",
                     "--json", "-", cwd=tmp_path, timeout=600)
    assert one.returncode == 0, one.stderr
    assert json.loads(one.stdout)["model_index"] == 1
    # kernels, start-up and the bench app once: smaller than the two firmwares apart
    apart = 0
    for rel, name in ((KWS, "kws"), (IC, "ic")):
        proc = run_mcugen("build", str(shared_models / rel), "-o", str(tmp_path / name), cwd=tmp_path, timeout=900)
        assert proc.returncode == 0, proc.stderr
        apart += _flash(tmp_path / name, board)
    assert _flash(both, board) < apart


@pytest.mark.slow
def test_concurrent_kws_and_ic_pass_with_disjoint_bytes(shared_models, tmp_path):
    conc = tmp_path / "conc"
    proc = _build(shared_models, tmp_path, conc, "--concurrent", "--run")
    assert "mcugen-selftest: PASS 2/2 models bit-exact with tflite-micro, run concurrently" in proc.stderr
    manifest = json.loads((conc / "mcugen.json").read_text())
    assert manifest["concurrent"] and manifest["arena_bytes"] == manifest["separate_arena_bytes"]
    bench = run_mcugen("bench", "--project", str(conc), "--emulate", "-n", "1", "--json", "-", cwd=tmp_path,
                       timeout=600)
    assert bench.returncode == 0, bench.stderr
    doc = json.loads(bench.stdout)
    assert doc["concurrent"] and all(m["outputs_match"] for m in doc["models"])


def test_the_fit_check_counts_the_combined_plan(shared_models, tmp_path, monkeypatch):
    """A board whose RAM holds IC's arena (so KWS + IC run one after another) but not both at
    once: the sequential build fits, the concurrent one stops, naming both models."""
    text = (BOARDS_DIR / "netduinoplus2.toml").read_text().replace('name = "netduinoplus2"', 'name = "tight"')
    text = re.sub(r"^ram_bytes = [\d_]+", "ram_bytes = 52_000", text, count=1, flags=re.M)
    (tmp_path / "tight.toml").write_text(text)
    env = {"MCUGEN_BOARD_PATH": str(tmp_path)}
    args = ["build", str(shared_models / KWS), str(shared_models / IC), "--board", "tight", "--no-compile"]
    fits = run_mcugen(*args, "-o", str(tmp_path / "seq"), cwd=tmp_path, env=env)
    assert fits.returncode == 0, fits.stderr
    stops = run_mcugen(*args, "--concurrent", "-o", str(tmp_path / "conc"), cwd=tmp_path, env=env)
    assert_one_clear_error(stops, 2, "kws_ref_model + pretrainedResnet_quant does not fit tight")
    assert not (tmp_path / "conc").exists()


def test_several_models_refuse_what_needs_one(shared_models, tmp_path):
    args = ["build", str(shared_models / KWS), str(shared_models / IC), "--no-compile"]
    assert_one_clear_error(run_mcugen(*args, "--name", "kws", cwd=tmp_path), 2, "1 prefix(es) for 2 models")
    assert_one_clear_error(run_mcugen(*args, "--name", "kws,KWS", cwd=tmp_path), 2, "alike")
    assert_one_clear_error(run_mcugen(*args, "--calibration", str(shared_models / KWS), cwd=tmp_path), 2,
                           "--calibration converts one model")
    bad = run_mcugen(*args, "--module", "m", cwd=tmp_path)
    assert bad.returncode == 2 and "--target micropython" in bad.stderr
