"""`--emulate`: run the bench firmware under QEMU and hand back a serial link to its UART.

QEMU comes from mcugen.build.qemu (deterministic -icount, a TCP serial server that waits for us,
killed when the block ends, also on Ctrl-C and errors); we connect with pyserial's socket://.
"""
from __future__ import annotations

import contextlib
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import serial

from mcugen.boards import Board
from mcugen.build.qemu import free_port, qemu_process
from mcugen.errors import DeviceError


@dataclass(frozen=True)
class Emulation:
    link: serial.SerialBase  # pyserial socket:// link to the guest's UART
    process: subprocess.Popen  # QEMU itself


@contextlib.contextmanager
def emulate(board: Board, elf: str | Path, timeout: float = 10.0) -> Iterator[Emulation]:
    """Run `elf` on `board` under QEMU, connected; QEMU is stopped when the block ends."""
    with tempfile.TemporaryFile() as log:
        port = free_port()
        with qemu_process(board, elf, port, stdout=log, stderr=subprocess.STDOUT,
                          stdin=subprocess.DEVNULL) as proc:
            link = _connect(proc, port, timeout, log)
            try:
                yield Emulation(link, proc)
            finally:
                link.close()


def _connect(proc: subprocess.Popen, port: int, timeout: float, log) -> serial.SerialBase:
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            log.seek(0)
            text = log.read().decode("utf-8", "replace").strip()[-1500:]
            raise DeviceError(f"QEMU exited with status {proc.returncode} before the bench could "
                              f"connect: {text or '(no output)'}",
                              hint="rebuild the project (mcugen build) and check the board name")
        try:
            return serial.serial_for_url(f"socket://127.0.0.1:{port}", timeout=0.05)
        except serial.SerialException as exc:
            if time.monotonic() >= deadline:
                raise DeviceError(f"QEMU's serial port 127.0.0.1:{port} did not open in {timeout:g} s",
                                  hint="is the machine very busy? retry with a larger --timeout") from exc
            time.sleep(0.01)
