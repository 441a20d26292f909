"""`mcugen bench --port` / `mcugen flash` against ports that are missing, busy or silent: one clear
line, exit status 3, and no hang past the timeout. A pseudo-terminal stands in for a USB UART."""
from __future__ import annotations

import json
import os
import time

import pytest
import serial

from hostfw import build_bench_host, running
from mcugen.cli import main


@pytest.fixture
def pty_port():
    """A real serial device node (pty slave) with nothing behind it."""
    master, slave = os.openpty()
    try:
        yield os.ttyname(slave)
    finally:
        os.close(master)
        os.close(slave)


@pytest.fixture(scope="module")
def hello(models_dir):
    return str(models_dir / "hello_world" / "hello_world_int8.tflite")


@pytest.fixture(scope="module")
def hello_fw_nohooks(hello, tmp_path_factory):
    """hello_world's generated code in the host bench firmware, without per-layer hooks."""
    from mcugen.codegen import generate_sources
    from mcugen import pipeline
    from mcugen.convert.tflite_reader import read_graph
    from mcugen.ops import lower_graph

    src = tmp_path_factory.mktemp("hello_nohooks")
    graph = read_graph(open(hello, "rb").read())
    calls = lower_graph(graph)
    generate_sources(graph, pipeline.plan(graph, calls), calls).write(src)
    return build_bench_host(src, src / "bench_host", hooks=False)


def test_missing_port(hello, capsys):
    status = main(["bench", hello, "--board", "nucleo_l4r5zi", "--port", "/dev/ttyMCUGEN9"])
    err = capsys.readouterr().err
    assert status == 3
    assert "serial port /dev/ttyMCUGEN9 does not exist" in err and "Traceback" not in err


def test_busy_port(hello, pty_port, capsys):
    holder = serial.Serial(pty_port, exclusive=True)  # another program has the board open
    try:
        status = main(["bench", hello, "--board", "nucleo_l4r5zi", "--port", pty_port])
    finally:
        holder.close()
    assert status == 3
    assert "is busy" in capsys.readouterr().err


def test_silent_board_times_out(hello, pty_port, capsys):
    start = time.monotonic()
    status = main(["bench", hello, "--board", "nucleo_l4r5zi", "--port", pty_port, "--timeout", "1"])
    elapsed = time.monotonic() - start
    assert status == 3
    assert "did not announce itself" in capsys.readouterr().err
    assert elapsed < 5  # 1 s for READY, plus start-up


def test_flash_checks_the_port_first(tmp_path, capsys):
    (tmp_path / "mcugen.json").write_text('{"board": "esp32", "envs": {"bench": "esp32"}}')
    status = main(["flash", "--project", str(tmp_path), "--port", "/dev/ttyMCUGEN9"])
    assert status == 3
    assert "does not exist" in capsys.readouterr().err


def test_flash_refuses_emulated_boards(tmp_path, capsys):
    (tmp_path / "mcugen.json").write_text('{"board": "mps2_an386", "envs": {"bench": "mps2_an386"}}')
    assert main(["flash", "--project", str(tmp_path)]) == 2
    assert "--emulate" in capsys.readouterr().err


def test_usage_needs_exactly_one_of_port_and_emulate(hello, capsys):
    assert main(["bench", hello, "--board", "mps2_an386"]) == 2
    assert main(["bench", hello, "--board", "mps2_an386", "--emulate", "--port", "/dev/null"]) == 2


def test_bench_over_a_port_url_reports_cycles_and_time(hello, hello_fw_nohooks, capsys):
    """The real-board path (cycles, microseconds) end to end, with the host-built firmware behind
    a socket:// port: pyserial opens it like a USB UART. Built without the per-layer hooks."""
    with running(hello_fw_nohooks) as (_proc, port):
        status = main(["--no-progress", "bench", hello, "--board", "nucleo_l4r5zi", "--port",
                       f"socket://127.0.0.1:{port}", "-n", "3", "--json", "-"])
    out, err = capsys.readouterr()
    assert status == 0
    doc = json.loads(out)
    assert doc["outputs_match"] and doc["n"] == 3 and doc["latency"]["unit"] == "cycles"
    assert doc["latency_us"]["median"] == pytest.approx(doc["latency"]["median"] / 1000)
    assert "built for host, not nucleo_l4r5zi" in err
    assert all(layer["median"] == 0 for layer in doc["layers"]) and len(doc["layers"]) == 3


def test_terminal_tables_and_missing_hooks_warning(hello, hello_fw_nohooks, capsys):
    with running(hello_fw_nohooks) as (_proc, port):
        status = main(["--no-progress", "bench", hello, "--board", "esp32", "--port",
                       f"socket://127.0.0.1:{port}", "-n", "2"])
    out, err = capsys.readouterr()
    assert status == 0
    assert "all bit-exact" in out and "latency median (us at" in out
    assert "no per-layer counts" in err
