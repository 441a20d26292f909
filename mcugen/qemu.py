"""QEMU for the emulated boards: the command line per board, and a process that always dies.

Every run uses `-icount shift=0,align=off,sleep=off` (one instruction per virtual nanosecond, so
counters are exact and runs repeat bit for bit) and semihosting (how firmware exits with a status).
The console is either this process's pipes (`-serial stdio`) or a TCP server QEMU opens and waits
on (`wait=on`: the guest starts only when the host connects, so nothing printed is lost). Boards
without a UART (the Xtensa sim) use semihosting's console: QEMU's own stdin and stdout.
"""
from __future__ import annotations

import contextlib
import re
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from mcugen import procs
from mcugen.boards import Board
from mcugen.errors import DeviceError, ToolchainError

ICOUNT = "shift=0,align=off,sleep=off"
PASS_PREFIX = "mcugen-selftest: PASS"
FAIL_PREFIX = "mcugen-selftest: FAIL"
MODEL_PREFIX = "mcugen-selftest: model "  # a line per model of a firmware with several


def qemu_command(board: Board, elf: str | Path, port: int | None = None,
                 extra: Sequence[str] = ()) -> list[str]:
    """The QEMU argv that runs `elf` on `board`; console on stdio, or on TCP `port` (waits);
    `extra` options (e.g. an execution trace) go before the kernel."""
    if not board.emulated:
        raise ToolchainError(f"{board.name} is a real board; QEMU does not emulate it",
                             hint="emulated boards: see `mcugen boards` (QEMU ...)")
    serial = ("stdio" if port is None
              else f"tcp:127.0.0.1:{port},server=on,wait=on,nodelay=on")
    argv = [board.qemu_system, "-M", board.qemu_machine]
    if board.qemu_cpu:
        argv += ["-cpu", board.qemu_cpu]
    if board.qemu_system.endswith("riscv32"):
        argv += ["-bios", "none"]
    argv += ["-nographic", "-monitor", "none"]
    if board.qemu_console == "semihosting":
        # No UART: the guest reads and writes QEMU's own stdin/stdout through semihosting (QEMU
        # 7.2's Xtensa semihosting ignores -semihosting-config chardev=, and a stdio chardev would
        # take the bytes the guest reads). The bench talks to it over pipes (bench.emulate).
        if port is not None:
            raise ToolchainError(f"{board.name} has no UART to put on a TCP port",
                                 hint="its console is QEMU's stdin/stdout (semihosting)")
        argv += ["-serial", "none", "-semihosting-config", "enable=on,target=native"]
    else:
        argv += ["-serial", serial, "-semihosting-config", "enable=on,target=native"]
    argv += ["-icount", ICOUNT, *extra, "-kernel", str(elf)]
    return argv


def require_qemu(board: Board) -> str:
    path = shutil.which(board.qemu_system)
    if path is None:
        raise ToolchainError(f"{board.qemu_system} is not installed (needed to emulate {board.name})",
                             hint="apt-get install qemu-system-arm qemu-system-misc (./dev setup does)")
    return path


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def qemu_process(board: Board, elf: str | Path, port: int | None = None, extra: Sequence[str] = (),
                 **popen_kwargs) -> Iterator[subprocess.Popen]:
    """Start QEMU for `elf`; on leaving the block QEMU is killed, whatever happened (and if
    mcugen itself dies, the kernel kills it: mcugen.procs)."""
    require_qemu(board)
    with procs.popen(qemu_command(board, elf, port, extra), **popen_kwargs) as proc:
        yield proc


def connect(port: int, timeout: float = 5.0) -> socket.socket:
    """Connect to QEMU's serial server; it takes a few ms to listen after starting."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=timeout)
        except OSError:
            if time.monotonic() > deadline:
                raise DeviceError(f"QEMU's serial port 127.0.0.1:{port} did not open in {timeout:g} s")
            time.sleep(0.005)


@dataclass(frozen=True)
class QemuResult:
    exit_status: int | None  # None when it timed out
    console: str
    seconds: float

    @property
    def passed(self) -> bool:
        return self.exit_status == 0 and PASS_PREFIX in self.console

    def instructions_per_inference(self, counter_hz: int, line: str | None = None) -> int | None:
        """The slowest inference in instructions: with -icount shift=0 one instruction takes one
        virtual nanosecond, so ticks of a `counter_hz` counter are ticks * 1e9 / counter_hz.
        `line`: a model's line of a firmware with several models (default: the result line)."""
        m = re.search(r"; (\d+) ticks per inference", self.result_line if line is None else line)
        return None if m is None else int(m.group(1)) * 1_000_000_000 // counter_hz

    @property
    def model_lines(self) -> list[str]:
        """The per-model result lines of a firmware with several models (none for one)."""
        return [line.strip() for line in self.console.splitlines() if line.startswith(MODEL_PREFIX)]

    @property
    def result_line(self) -> str:
        for line in self.console.splitlines():
            if line.startswith((PASS_PREFIX, FAIL_PREFIX)):
                return line.strip()
        return ""


def run_elf(board: Board, elf: str | Path, timeout: float = 60.0) -> QemuResult:
    """Run firmware that ends by itself (the self-test) with its console on a pipe."""
    start = time.monotonic()
    with qemu_process(board, elf, stdout=subprocess.PIPE, stderr=subprocess.STDOUT) as proc:
        try:
            out, _ = proc.communicate(timeout=timeout)
            status: int | None = proc.returncode
        except subprocess.TimeoutExpired:
            proc.kill_group()
            out, _ = proc.communicate()
            status = None
    return QemuResult(status, out.decode("utf-8", "replace"), time.monotonic() - start)
