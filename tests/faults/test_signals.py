"""No orphan emulator or compiler, however mcugen ends: SIGTERM and SIGHUP (as `timeout`, CI
runners and systemd send) exit 128+N with one line, after killing QEMU; SIGKILL of mcugen itself
leaves QEMU to the kernel's death signal (PR_SET_PDEATHSIG). mcugen runs as a real process here,
and its children are found through /proc."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(state, ppid, pgid) of a process, None when it no longer exists."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = text[text.rindex(")") + 2:].split()
    return fields[0], int(fields[1]), int(fields[2])


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except (FileNotFoundError, ProcessLookupError):
        return ""


def _pids() -> list[int]:
    return [int(p) for p in os.listdir("/proc") if p.isdigit()]


def running(pid: int) -> bool:
    st = _stat(pid)
    return st is not None and st[0] not in ("Z", "X")  # a zombie is dead, only not yet reaped


def children(pid: int) -> list[int]:
    return [p for p in _pids() if (_stat(p) or ("", -1, -1))[1] == pid]


def group_members(pgid: int) -> list[int]:
    return [p for p in _pids() if running(p) and (_stat(p) or ("", -1, -1))[2] == pgid]


def start_mcugen(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    out = open(cwd / "mcugen.out", "w")
    err = open(cwd / "mcugen.err", "w")
    return subprocess.Popen([sys.executable, "-m", "mcugen", "--no-progress", *args], cwd=cwd,
                            stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                            env={**os.environ, **(env or {})})


def stderr_of(cwd: Path) -> str:
    return (cwd / "mcugen.err").read_text()


def wait_for_child(proc: subprocess.Popen, cwd: Path, what: str, timeout: float = 120) -> int:
    """The pid of mcugen's child whose command line contains `what`, once it runs."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"mcugen ended ({proc.returncode}) first:\n{stderr_of(cwd)}"
        for pid in children(proc.pid):
            if what in _cmdline(pid) and running(pid):
                return pid
        time.sleep(0.05)
    proc.kill()
    raise AssertionError(f"no {what} child within {timeout} s:\n{stderr_of(cwd)}")


def assert_gone(pids: list[int], within: float = 2.0) -> None:
    deadline = time.monotonic() + within
    while any(running(p) for p in pids):
        assert time.monotonic() < deadline, [(p, _cmdline(p)) for p in pids if running(p)]
        time.sleep(0.02)


def no_qemu_under(directory: Path) -> list[int]:
    return [p for p in _pids() if running(p) and "qemu-system" in _cmdline(p)
            and str(directory) in _cmdline(p)]


@pytest.fixture(scope="module")
def bench_dir(tmp_path_factory, shared_models):
    """A directory where `mcugen bench hello_world --emulate` has built its firmware once."""
    cwd = tmp_path_factory.mktemp("signals")
    model = shared_models / "hello_world" / "hello_world_int8.tflite"
    proc = subprocess.run([sys.executable, "-m", "mcugen", "--no-progress", "bench", str(model),
                           "--board", "mps2_an386", "--emulate", "-n", "1"], cwd=cwd,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return cwd, model


def _bench(bench_dir) -> tuple[subprocess.Popen, int, Path]:
    cwd, model = bench_dir
    proc = start_mcugen(["bench", str(model), "--board", "mps2_an386", "--emulate", "-n", "100000"], cwd)
    return proc, wait_for_child(proc, cwd, "qemu-system"), cwd


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_stops_the_bench_and_its_emulator(bench_dir, sig):
    proc, qemu, cwd = _bench(bench_dir)
    time.sleep(0.3)  # mid-session: the bench is talking to the board
    proc.send_signal(sig)
    assert_gone([qemu])
    assert proc.wait(timeout=10) == 128 + sig
    err = stderr_of(cwd)
    assert f"error: stopped by {sig.name}" in err and "Traceback" not in err, err
    assert not no_qemu_under(cwd)


def test_sigkill_of_mcugen_still_ends_its_emulator(bench_dir):
    proc, qemu, cwd = _bench(bench_dir)
    proc.kill()  # no Python code runs: only the kernel's death signal can end QEMU
    assert proc.wait(timeout=10) == -signal.SIGKILL
    assert_gone([qemu])
    assert not no_qemu_under(cwd)


def test_sigterm_during_the_self_test_run_stops_the_emulator(tmp_path, shared_models):
    """`mcugen build --run` stopped in its QEMU stage (a stand-in QEMU that never ends makes the
    stage last; the real one finishes hello_world in milliseconds)."""
    shim = tmp_path / "bin"
    shim.mkdir()
    fake = shim / "qemu-system-arm"
    fake.write_text("#!/bin/sh\nexec sleep 300\n")
    fake.chmod(0o755)
    model = shared_models / "hello_world" / "hello_world_int8.tflite"
    proc = start_mcugen(["build", str(model), "--board", "mps2_an386", "-o", str(tmp_path / "fw"),
                         "--run"], tmp_path, env={"PATH": f"{shim}:{os.environ['PATH']}"})
    qemu = wait_for_child(proc, tmp_path, "sleep 300")
    proc.send_signal(signal.SIGTERM)
    assert_gone([qemu])
    assert proc.wait(timeout=10) == 143
    assert "error: stopped by SIGTERM" in stderr_of(tmp_path)


def test_sigterm_during_compilation_ends_the_whole_pio_process_group(tmp_path, shared_models):
    """pio starts scons, scons starts gcc: all of them go, not only the child mcugen started."""
    model = shared_models / "hello_world" / "hello_world_int8.tflite"
    proc = start_mcugen(["build", str(model), "--board", "mps2_an386", "-o", str(tmp_path / "fw")],
                        tmp_path)
    pio = wait_for_child(proc, tmp_path, " run -d ")
    pgid = os.getpgid(pio)
    assert pgid == pio  # pio leads its own group, so the group is what it started
    time.sleep(0.5)  # let it start scons and compilers
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=10) == 143
    deadline = time.monotonic() + 2
    while group_members(pgid):
        assert time.monotonic() < deadline, [_cmdline(p) for p in group_members(pgid)]
        time.sleep(0.02)
    assert not (tmp_path / "fw").exists()  # and the interrupted build left no output,
    assert not list(tmp_path.glob(".fw*"))  # not even its temporary folder (cleanup ran)
