"""Runs at the same time don't collide: two `mcugen bench MODEL --emulate` in one directory share
one firmware build (content-keyed, locked) and each gets its own QEMU port; and outputs that
differ from tflite-micro have an exit status of their own (4), not the 2 of every other error."""
from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys

import numpy as np
import pytest

from mcugen.project.cache import ROOT, STAMP, cache_key
from mcugen.boards import load_board
from mcugen.cli import main


def _start_bench(model, cwd, tag: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "mcugen", "--no-progress", "bench", str(model),
                             "--board", "mps2_an386", "--emulate", "-n", "20", "--json", f"{tag}.json"],
                            cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            stdin=subprocess.DEVNULL, env={**os.environ, "COLUMNS": "200"})


@pytest.fixture(scope="module")
def hello(shared_models):
    return shared_models / "hello_world" / "hello_world_int8.tflite"


@pytest.fixture(scope="module")
def two_benches(hello, tmp_path_factory):
    cwd = tmp_path_factory.mktemp("together")
    procs = [_start_bench(hello, cwd, tag) for tag in ("a", "b")]
    results = [(p.wait(timeout=600), *p.communicate()) for p in procs]
    return cwd, results


@pytest.mark.slow
def test_two_benches_at_once_in_one_directory_both_pass(two_benches):
    cwd, results = two_benches
    for status, _out, err in results:
        assert status == 0, err
        assert "Traceback" not in err
    for tag in ("a", "b"):
        doc = json.loads((cwd / f"{tag}.json").read_text())
        assert doc["outputs_match"] and doc["n"] == 20
    built = [err for _s, _o, err in results if "building hello_world_int8.tflite" in err]
    assert len(built) == 1, [err for _s, _o, err in results]  # built once, used by both
    folders = [p for p in (cwd / ROOT).iterdir() if p.is_dir()]
    assert len(folders) == 1 and (folders[0] / STAMP).is_file()


@pytest.mark.slow
def test_a_later_bench_starts_from_the_cached_firmware(two_benches, hello):
    cwd, _results = two_benches
    proc = _start_bench(hello, cwd, "c")
    status = proc.wait(timeout=300)
    _out, err = proc.communicate()
    assert status == 0, err
    assert "using the firmware built before" in err and "[1/6] load" not in err


def test_the_cache_key_follows_everything_that_changes_the_build(hello):
    model = hello.read_bytes()
    board = load_board("mps2_an386")
    key = cache_key(model, board)
    assert key == cache_key(model, board)
    assert key != cache_key(model[:-1] + bytes([model[-1] ^ 1]), board)
    assert key != cache_key(model, load_board("netduinoplus2"))
    assert key != cache_key(model, dataclasses.replace(board, cflags=(*board.cflags, "-O3")))


@pytest.mark.slow
def test_outputs_that_differ_exit_4_and_other_errors_stay_2(two_benches, hello, monkeypatch, capsys):
    from mcugen.oracle import TflmOracle

    cwd, _results = two_benches
    project = next(p for p in (cwd / ROOT).iterdir() if p.is_dir())
    real_run = TflmOracle.run

    def off_by_one(self, inputs):  # tflite-micro "disagrees": what a wrong kernel would look like
        return [(o.astype(np.int16) + 1).clip(-128, 127).astype(np.int8) for o in real_run(self, inputs)]

    monkeypatch.setattr(TflmOracle, "run", off_by_one)
    assert main(["--no-progress", "bench", str(hello), "--emulate", "--project", str(project), "-n", "2"]) == 4
    err = capsys.readouterr().err
    assert "error: 2 output(s) of 2 inferences differ from tflite-micro" in err
    assert main(["bench", str(hello), "--emulate", "--project", str(cwd / "nowhere")]) == 2
