"""Opening the serial line to a board: a USB UART, or a TCP socket into an emulator's UART.

Both come back as pyserial objects; failures come back as DeviceError with a hint (exit 3).
"""
from __future__ import annotations

import errno
import time

import serial
import serial.tools.list_ports

from mcugen.errors import DeviceError

DEFAULT_BAUD = 115200


def available_ports() -> list[str]:
    return sorted(p.device for p in serial.tools.list_ports.comports())


def open_port(port: str, baud: int = DEFAULT_BAUD) -> serial.Serial:
    """Open a real serial port exclusively, so a second program cannot interleave bytes."""
    try:
        return serial.serial_for_url(port, baudrate=baud, timeout=0.05, exclusive=True)
    except (serial.SerialException, OSError, ValueError) as exc:
        raise _port_error(port, exc) from exc


def _port_error(port: str, exc: Exception) -> DeviceError:
    code = getattr(exc, "errno", None)
    text = str(exc)
    if code == errno.ENOENT or "No such file" in text or "could not open port" in text and "2]" in text:
        others = available_ports()
        listed = ", ".join(others) if others else "none found"
        return DeviceError(f"serial port {port} does not exist",
                           hint=f"plug the board in, or pick one of these ports: {listed}")
    if code in (errno.EBUSY, errno.EAGAIN) or "lock" in text or "busy" in text.lower():
        return DeviceError(f"serial port {port} is busy (another program has it open)",
                           hint="close serial monitors (pio device monitor, screen, minicom) and retry")
    if code == errno.EACCES or "Permission denied" in text:
        return DeviceError(f"no permission to open serial port {port}",
                           hint="add yourself to the 'dialout' group (then log in again)")
    return DeviceError(f"cannot open serial port {port}: {text}",
                       hint="check the cable and the port name")


def connect_socket(port: int, timeout: float = 10.0, host: str = "127.0.0.1") -> serial.SerialBase:
    """Connect to an emulator's serial socket, retrying while it starts listening."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            link = serial.serial_for_url(f"socket://{host}:{port}", timeout=0.05)
            return link
        except serial.SerialException as exc:
            if time.monotonic() >= deadline:
                raise DeviceError(f"nothing listens on {host}:{port} after {timeout:g} s: {exc}",
                                  hint="the emulator did not start; run with -v to see its log") from exc
            time.sleep(0.02)
