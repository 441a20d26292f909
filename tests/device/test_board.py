"""A connected real board, end to end as its user runs it: `mcugen build` (compiled), `mcugen
flash`, then `mcugen bench` over the serial port, every output byte checked against tflite-micro
on this computer. Run only when a board is given:

    pytest -m device --port /dev/ttyACM0 --board nucleo_f401re

(skipped otherwise; the emulated boards' equivalents run under QEMU in tests/build and tests/bench).
"""
from __future__ import annotations

import json

import pytest

from mcugen.boards import load_board
from mcugen.cli import main

pytestmark = pytest.mark.device

MODELS = {"hello_world": "hello_world/hello_world_int8.tflite", "kws": "kws/kws_ref_model.tflite"}


@pytest.fixture(scope="module")
def connected(pytestconfig) -> tuple[str, str]:
    """(port, board) of the connected board, from --port/--board."""
    port, board = pytestconfig.getoption("port"), pytestconfig.getoption("board")
    assert not load_board(board).emulated, (
        f"--board {board} is an emulated board: the device tests need a real one on --port")
    return port, board


@pytest.mark.parametrize("name", sorted(MODELS))
def test_build_flash_and_bench_bit_exact(name, connected, shared_models, tmp_path, capsys):
    port, board = connected
    model = shared_models / MODELS[name]
    project = tmp_path / f"{name}_{board}"
    assert main(["--no-progress", "build", str(model), "--board", board, "-o", str(project),
                 "--compile"]) == 0, capsys.readouterr().err
    assert main(["--no-progress", "flash", "--board", board, "--port", port, "--project", str(project)]) == 0, \
        capsys.readouterr().err
    capsys.readouterr()
    status = main(["--no-progress", "bench", str(model), "--board", board, "--port", port,
                   "--project", str(project), "-n", "10", "--json", "-"])
    out, err = capsys.readouterr()
    assert status == 0, err
    doc = json.loads(out)
    assert doc["board"] == board and doc["n"] == 10 and not doc["emulated"]
    assert doc["outputs_match"] and doc["mismatches"] == 0, doc["mismatch_samples"]
    assert doc["latency"]["unit"] == "cycles" and doc["latency"]["median"] > 0
    assert doc["latency_us"]["median"] > 0
    assert doc["flash_bytes"] and doc["arena_bytes"] > 0
