"""`mcugen bench --emulate` end to end: real firmware built with PlatformIO, run under QEMU with
-icount, outputs checked against tflite-micro; and the faults an emulator can show."""
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from mcugen.bench.client import BenchClient
from mcugen.bench.emulate import emulate
from mcugen.bench.session import make_samples, run_session
from mcugen.boards import list_boards, load_board
from mcugen.cli import main
from mcugen.errors import DeviceError
from qemufw import build_bench_project

EMULATED = [b.name for b in list_boards() if b.emulated]


@pytest.fixture(scope="module")
def hello_model(models_dir):
    return models_dir / "hello_world" / "hello_world_int8.tflite"


@pytest.fixture(scope="module")
def hello_m4(hello_model, tmp_path_factory):
    """netduinoplus2 (STM32F405, Cortex-M4F): its TIM2 counts every instruction exactly."""
    return build_bench_project(hello_model, "netduinoplus2", tmp_path_factory.mktemp("m4") / "hello")


def bench_json(project, model, tmp_path, name, *extra):
    out = tmp_path / f"{name}.json"
    status = main(["--no-progress", "-q", "bench", "--emulate", "--project", str(project.path), str(model),
                   "--json", str(out), *extra])
    return status, (json.loads(out.read_text()) if out.exists() else None)


def test_emulated_bench_is_exact_repeatable_and_adds_up(hello_m4, hello_model, tmp_path):
    status, first = bench_json(hello_m4, hello_model, tmp_path, "a", "-n", "4",
                               "--report", str(tmp_path / "r.html"))
    assert status == 0
    assert first["outputs_match"] and first["mismatches"] == 0 and first["n"] == 4
    assert first["board"] == "netduinoplus2" and first["latency"]["unit"] == "instructions"
    assert first["resolution"] == 1
    assert "latency_us" not in first  # instructions are never passed off as time
    assert [layer["op"] for layer in first["layers"]] == ["FULLY_CONNECTED"] * 3
    assert first["arena_bytes"] > 0 and 0 < first["stack_peak_bytes"] < 16384
    assert first["flash_bytes"] > 1000
    assert 0.95 <= first["layers_total_ratio"] <= 1.0
    totals = first["latency"]["median"]
    assert abs(sum(layer["median"] for layer in first["layers"]) - totals) / totals < 0.05
    # hello_world's three dense layers: 1x16, 16x16 and 16x1 multiply-accumulates
    assert [layer["macs"] for layer in first["layers"]] == [16, 256, 16] and first["macs"] == 288
    assert all(layer["per_mac"] == round(layer["median"] / layer["macs"], 3) for layer in first["layers"])
    assert first["per_mac"] == round(totals / 288, 3)
    html = (tmp_path / "r.html").read_text()
    assert "<svg" in html and "FULLY_CONNECTED" in html
    assert "<th>instr/MAC</th>" in html and "<td>256</td>" in html
    _status, second = bench_json(hello_m4, hello_model, tmp_path, "b", "-n", "4")
    assert second["latency"] == first["latency"] and second["layers"] == first["layers"]


def test_markdown_report_links_its_chart(hello_m4, hello_model, tmp_path):
    status = main(["-q", "bench", "--emulate", "--project", str(hello_m4.path), str(hello_model),
                   "-n", "1", "--report", str(tmp_path / "r.md")])
    assert status == 0
    text = (tmp_path / "r.md").read_text()
    assert "![per-layer profile](r_layers.png)" in text and "| # | op | median | share | MACs | instr/MAC |" in text
    assert "| instructions per MAC |" in text
    assert (tmp_path / "r_layers.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cycle_estimate_in_json_report_and_repeatable(hello_m4, hello_model, tmp_path):
    status, first = bench_json(hello_m4, hello_model, tmp_path, "a", "-n", "3", "--estimate-cycles",
                               "--report", str(tmp_path / "r.md"))
    assert status == 0 and first["outputs_match"]
    est = first["cycle_estimate"]
    assert est["estimate"] is True and "not a measurement" in est["what"]
    assert est["core"] == "cortex-m4" and not est["approximate_table"] and "Table 3-1" in est["table_source"]
    assert est["clock_hz"] == 168_000_000
    assert est["flash"]["wait_states"] == 5 and est["flash"]["accelerator"] == "ART"
    # the trace's instructions are the firmware's own; each costs at least one cycle
    assert est["instructions"] == first["latency"]["median"] == sum(est["classes"].values())
    assert est["instructions"] < est["cycles"]["median"] < 3 * est["instructions"]
    assert est["ms"] == round(est["cycles"]["median"] * 1e3 / 168e6, 4)
    assert est["cycles_per_mac"] == round(est["cycles"]["median"] / 288, 3)
    assert est["flash_worst_case_cycles"] == est["core_cycles"] + 5 * est["taken_branches"]
    assert [layer["op"] for layer in est["layers"]] == ["FULLY_CONNECTED"] * 3
    assert [layer["estimated_cycles"] for layer in first["layers"]] == [layer["cycles"] for layer in est["layers"]]
    for layer, measured in zip(est["layers"], first["layers"]):
        assert sum(layer["classes"].values()) == measured["median"]
        assert layer["classes"]["multiply"] >= measured["macs"] // 2  # at most two MACs per SMLAD
    text = (tmp_path / "r.md").read_text()
    assert "| ESTIMATED Cortex-M4 cycles (estimate, not measured) |" in text
    assert "| est. cycles | est. cycles/MAC |" in text and "ESTIMATED time at 168 MHz" in text
    _status, second = bench_json(hello_m4, hello_model, tmp_path, "b", "-n", "3", "--estimate-cycles")
    assert second["cycle_estimate"] == est


def test_cycle_estimate_needs_the_emulator(hello_model, capsys):
    assert main(["bench", str(hello_model), "--board", "nucleo_l4r5zi", "--port", "/dev/null",
                 "--estimate-cycles"]) == 2
    assert "--estimate-cycles needs --emulate" in capsys.readouterr().err


def test_emulator_killed_mid_run(hello_m4, hello_model):
    board = load_board("netduinoplus2")
    with emulate(board, hello_m4.elf(hello_m4.bench_env)) as emu:
        client = BenchClient(emu.link, timeout=2.0)
        client.wait_ready()
        emu.process.kill()
        emu.process.wait()
        start = time.monotonic()
        with pytest.raises(DeviceError, match="lost the connection|did not answer"):
            client.load_input(0, b"\x00")
            client.run()
        assert time.monotonic() - start < 2 * 3 + 1


def test_board_with_another_model_is_refused(hello_m4, models_dir):
    from mcugen.convert.tflite_reader import read_graph

    other = (models_dir / "ad" / "ad01_int8.tflite").read_bytes()
    graph = read_graph(other, name="ad01")
    with emulate(load_board("netduinoplus2"), hello_m4.elf(hello_m4.bench_env)) as emu:
        with pytest.raises(DeviceError, match="different model"):
            run_session(BenchClient(emu.link), other, graph, make_samples(graph, 1), oracle=None)


def test_cli_refuses_a_model_the_project_was_not_built_from(hello_m4, models_dir, capsys):
    status = main(["bench", "--emulate", "--project", str(hello_m4.path),
                   str(models_dir / "ad" / "ad01_int8.tflite")])
    assert status == 2
    assert "not the model" in capsys.readouterr().err


@pytest.mark.slow
@pytest.mark.parametrize("board", [b for b in EMULATED if b != "netduinoplus2"])
def test_every_emulated_board(board, hello_model, tmp_path):
    """Exact where the counter is (resolution 1), else within one timer tick: the guest's
    instruction count when a run starts depends on how long it polled the UART."""
    project = build_bench_project(hello_model, board, tmp_path / "hello")
    status, first = bench_json(project, hello_model, tmp_path, "a", "-n", "2")
    assert status == 0 and first["outputs_match"] and first["board"] == board
    assert first["latency"]["unit"] == "instructions"
    _status, second = bench_json(project, hello_model, tmp_path, "b", "-n", "2")
    for key in ("median", "min", "max"):
        assert abs(second["latency"][key] - first["latency"][key]) <= first["resolution"]


def test_ctrl_c_stops_qemu(hello_m4, hello_model):
    import signal
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "mcugen", "--no-progress", "bench", "--emulate", "--project",
           str(hello_m4.path), str(hello_model), "-n", "100000"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    children = Path(f"/proc/{proc.pid}/task/{proc.pid}/children")
    deadline = time.monotonic() + 60
    qemu = []
    while not qemu and time.monotonic() < deadline and proc.poll() is None:
        qemu = [int(p) for p in children.read_text().split()] if children.exists() else []
        time.sleep(0.1)
    assert qemu, "QEMU never started"
    time.sleep(1.0)  # mid-run
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=20)
    assert proc.returncode == 130 and "interrupted" in err
    for pid in qemu:
        assert not Path(f"/proc/{pid}").exists() or "zombie" in Path(f"/proc/{pid}/status").read_text()


@pytest.mark.slow
def test_perf_table_script_runs(tmp_path):
    import importlib.util

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "perf_table.py"
    spec = importlib.util.spec_from_file_location("perf_table", path)
    perf = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(perf)
    assert perf.main(["--models", "hello_world", "-n", "1", "--json", str(tmp_path / "p.json")]) == 0
    doc = json.loads((tmp_path / "p.json").read_text())["hello_world"]
    assert doc["outputs_match"] and doc["board"] == "netduinoplus2" and doc["latency"]["median"] > 0


def test_board_reset_mid_run_under_qemu(hello_m4):
    """QEMU's own system_reset (through its monitor): the firmware boots again and announces
    itself; the client must say so instead of mistaking the new READY for a reply."""
    import socket
    import subprocess

    from mcugen.bench.link import connect_socket
    from mcugen.qemu import free_port, qemu_command

    port, monitor_port = free_port(), free_port()
    argv = qemu_command(load_board("netduinoplus2"), hello_m4.elf(hello_m4.bench_env), port)
    argv[argv.index("-monitor") + 1] = f"tcp:127.0.0.1:{monitor_port},server=on,wait=off"
    proc = subprocess.Popen(argv, start_new_session=True, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        client = BenchClient(connect_socket(port), timeout=3.0)
        client.wait_ready()
        client.load_input(0, b"\x00")
        with socket.create_connection(("127.0.0.1", monitor_port), timeout=5) as monitor:
            monitor.sendall(b"system_reset\n")
            time.sleep(0.5)
        start = time.monotonic()
        with pytest.raises(DeviceError, match="reset"):
            client.run()
        assert time.monotonic() - start < 3
    finally:
        proc.kill()
        proc.wait()


def test_cycle_estimate_follows_the_kernels_calls_through_pointers(models_dir, tmp_path):
    """KWS's lean convolutions call their walk through a params field: the trace must cover it,
    or the estimate would describe a quarter of the run (and the bench refuses it)."""
    model = models_dir / "kws" / "kws_ref_model.tflite"
    project = build_bench_project(model, "netduinoplus2", tmp_path / "kws")
    status, doc = bench_json(project, model, tmp_path, "kws", "-n", "1", "--estimate-cycles")
    assert status == 0 and doc["outputs_match"]
    est = doc["cycle_estimate"]
    assert est["instructions"] == doc["latency"]["median"] > 3_000_000
    conv = next(layer for layer in est["layers"] if layer["op"] == "CONV_2D")
    assert conv["classes"]["multiply"] > 0
