"""`--emulate`: run the bench firmware under QEMU and hand back a serial link to its UART.

QEMU comes from mcugen.qemu (deterministic -icount, a TCP serial server that waits for us
on a port QEMU picks itself, killed when the block ends, also on signals and errors); we connect
with pyserial's socket://.
"""
from __future__ import annotations

import contextlib
import os
import re
import select
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import serial

from mcugen.boards import Board
from mcugen.qemu import qemu_process
from mcugen.errors import DeviceError

if TYPE_CHECKING:
    from mcugen.bench.trace import TraceReader


@dataclass(frozen=True)
class Emulation:
    link: serial.SerialBase  # pyserial socket:// link to the guest's UART
    process: subprocess.Popen  # QEMU itself


# QEMU, given TCP port 0, binds a free one and says which (wait=on: before the guest starts).
# Picking a free port ourselves and handing it over would race with another run doing the same.
_LISTENING = re.compile(rb"waiting for connection on: \S*tcp:127\.0\.0\.1:(\d+)")


@contextlib.contextmanager
def emulate(board: Board, elf: str | Path, timeout: float = 10.0,
            trace: "TraceReader | None" = None) -> Iterator[Emulation]:
    """Run `elf` on `board` under QEMU, connected; QEMU is stopped when the block ends. With
    `trace`, QEMU also logs every executed block of the traced functions to it."""
    if board.qemu_console == "semihosting":
        if trace is not None:  # the cycle tables are Cortex-M's: refused before this
            raise ValueError(f"{board.name}: no execution trace over its semihosting console")
        with _emulate_on_pipes(board, elf) as emulation:
            yield emulation
        return
    extra = trace.qemu_args if trace is not None else ()
    fds = trace.pass_fds if trace is not None else ()
    with tempfile.TemporaryFile() as log:
        with qemu_process(board, elf, 0, extra, stdout=log, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL, pass_fds=fds) as proc:
            if trace is not None:
                trace.started()
            link = _connect(proc, timeout, log)
            try:
                yield Emulation(link, proc)
            finally:
                link.close()


def _connect(proc: subprocess.Popen, timeout: float, log) -> serial.SerialBase:
    deadline = time.monotonic() + timeout
    while True:
        log.seek(0)
        text = log.read()
        if proc.poll() is not None:
            shown = text.decode("utf-8", "replace").strip()[-1500:]
            raise DeviceError(f"QEMU exited with status {proc.returncode} before the bench could "
                              f"connect: {shown or '(no output)'}",
                              hint="rebuild the project (mcugen build) and check the board name")
        found = _LISTENING.search(text)
        if found:
            port = int(found.group(1))
            try:
                return serial.serial_for_url(f"socket://127.0.0.1:{port}", timeout=0.05)
            except serial.SerialException as exc:
                if time.monotonic() >= deadline:
                    raise DeviceError(f"QEMU's serial port 127.0.0.1:{port} did not open in {timeout:g} s",
                                      hint="is the machine very busy? retry with a larger --timeout") from exc
        elif time.monotonic() >= deadline:
            raise DeviceError(f"QEMU did not open its serial port within {timeout:g} s",
                              hint="is the machine very busy? retry with a larger --timeout")
        time.sleep(0.01)


@contextlib.contextmanager
def _emulate_on_pipes(board: Board, elf: str | Path) -> Iterator[Emulation]:
    """Boards whose console is semihosting's: the guest reads QEMU's stdin and writes its stdout,
    which are our pipes (nothing is lost: the pipes hold what the other side has not read)."""
    with tempfile.TemporaryFile() as log:
        with qemu_process(board, elf, None, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                          stderr=log) as proc:
            link = PipeLink(proc)
            try:
                yield Emulation(link, proc)
            finally:
                link.close()


class PipeLink:
    """A pyserial-like link (`read`, `write`, `timeout`, `write_timeout`, `in_waiting`) over a
    child's stdout and stdin."""

    def __init__(self, proc: subprocess.Popen):
        self._proc = proc
        self._rx = proc.stdout.fileno()
        self._tx = proc.stdin.fileno()
        os.set_blocking(self._tx, False)  # writes honour write_timeout
        self.timeout: float | None = 0.05
        self.write_timeout: float | None = None

    @property
    def in_waiting(self) -> int:
        readable, _, _ = select.select([self._rx], [], [], 0)
        return 4096 if readable else 0

    def read(self, size: int = 1) -> bytes:
        readable, _, _ = select.select([self._rx], [], [], self.timeout)
        if not readable:
            return b""
        data = os.read(self._rx, size)
        if not data:
            raise serial.SerialException(f"QEMU closed its console (exit status {self._proc.poll()})")
        return data

    def write(self, data: bytes) -> int:
        view = memoryview(data)
        deadline = None if self.write_timeout is None else time.monotonic() + self.write_timeout
        while view:
            wait = None if deadline is None else max(deadline - time.monotonic(), 0)
            _, writable, _ = select.select([], [self._tx], [], wait)
            if not writable:
                raise serial.SerialTimeoutException("QEMU did not take the bytes in time")
            try:
                view = view[os.write(self._tx, view):]
            except BlockingIOError:
                continue
            except BrokenPipeError as exc:
                raise serial.SerialException("QEMU closed its console") from exc
        return len(data)

    def close(self) -> None:
        for stream in (self._proc.stdin, self._proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()
