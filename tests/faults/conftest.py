"""Fault tests: mcugen run as a user would (a subprocess, its real exit status and stderr)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_mcugen(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
               timeout: float = 300) -> subprocess.CompletedProcess:
    """`mcugen ARGS` as a separate process, the way a shell runs it."""
    full_env = {**os.environ, "COLUMNS": "200", **(env or {})}
    return subprocess.run([sys.executable, "-m", "mcugen", "--no-progress", *args], cwd=cwd,
                          env=full_env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def assert_one_clear_error(proc: subprocess.CompletedProcess, code: int, *needles: str) -> None:
    """Exit `code`, an `error:` line naming each needle, and no traceback."""
    assert proc.returncode == code, (proc.returncode, proc.stdout, proc.stderr)
    assert "Traceback" not in proc.stderr and "this is a bug" not in proc.stderr, proc.stderr
    errors = [line for line in proc.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, proc.stderr
    for needle in needles:
        assert needle in errors[0], (needle, proc.stderr)


@pytest.fixture
def small_tmpfs(tmp_path):
    """`small_tmpfs(kib, read_only=False)` -> a fresh tmpfs of that size (root only: CI runs as root)."""
    mounts: list[Path] = []

    def make(kib: int, read_only: bool = False) -> Path:
        if os.geteuid() != 0:
            pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
        point = tmp_path / f"fs{len(mounts)}"
        point.mkdir()
        opts = f"size={kib}k" + (",ro" if read_only else "")
        subprocess.run(["mount", "-t", "tmpfs", "-o", opts, "tmpfs", str(point)], check=True)
        mounts.append(point)
        return point

    yield make
    for point in mounts:
        subprocess.run(["umount", "-l", str(point)], check=False)
