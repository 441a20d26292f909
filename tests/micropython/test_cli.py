"""`mcugen build --target micropython` and `mcugen bench --micropython` from the command line."""
from __future__ import annotations

import json

from mcugen.cli import main

from .helpers import INT8_MODELS, MODELS

HELLO = str(MODELS / INT8_MODELS["hello_world"])


def test_build_target_micropython_writes_the_folder(tmp_path, capsys):
    out = tmp_path / "hello_mpy"
    assert main(["build", HELLO, "--target", "micropython", "--board", "esp32c3", "--name", "sine",
                 "-o", str(out)]) == 0
    assert (out / "natmod/Makefile").is_file()
    assert (out / "usercmodule/sine/micropython.mk").is_file()
    assert json.loads((out / "mcugen-micropython.json").read_text())["arch"] == "rv32imc"
    err = capsys.readouterr().err
    assert "mpremote cp" in err and "mcugen bench --micropython" in err


def test_build_refuses_bad_name_and_board_without_writing(tmp_path, capsys):
    out = tmp_path / "x"
    assert main(["build", HELLO, "--target", "micropython", "--board", "unix", "--name", "gc",
                 "-o", str(out)]) == 2
    assert main(["build", HELLO, "--target", "micropython", "--board", "pdp11", "-o", str(out)]) == 2
    assert not out.exists()
    err = capsys.readouterr().err
    assert "shadow" in err and "unknown board" in err and "Traceback" not in err


def test_bench_micropython_needs_port_and_a_build_folder(tmp_path, capsys):
    assert main(["bench", "--micropython", "--project", str(tmp_path)]) == 2
    assert main(["bench", "--micropython", "--port", "/dev/null", "--project", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "--port" in err and "not a MicroPython build folder" in err


def test_build_warns_when_the_natmod_cannot_fit_the_heap(tmp_path, capsys):
    ad = str(MODELS / INT8_MODELS["ad"])  # 265 KiB of weights
    assert main(["build", ad, "--target", "micropython", "--board", "nucleo_f401re", "--name", "ad",
                 "-o", str(tmp_path / "big")]) == 0
    assert "build usercmodule/ into the firmware" in capsys.readouterr().err
    assert main(["build", HELLO, "--target", "micropython", "--board", "nucleo_f401re",
                 "-o", str(tmp_path / "small")]) == 0
    assert "warning" not in capsys.readouterr().err
