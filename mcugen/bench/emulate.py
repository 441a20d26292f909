"""`--emulate`: run the bench firmware under QEMU and hand back a serial link to its UART.

QEMU comes from mcugen.qemu (deterministic -icount, a TCP serial server that waits for us
on a port QEMU picks itself, killed when the block ends, also on signals and errors); we connect
with pyserial's socket://.
"""
from __future__ import annotations

import contextlib
import re
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
