"""A board that does not announce itself: the wait lasts what the message says, and the message
tells a silent board from one that talks something else and from one that takes no bytes."""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time

import pytest
import serial

from mcugen.bench.client import BenchClient
from mcugen.bench.link import connect_socket
from mcugen.cli import main
from mcugen.errors import DeviceError


def _board(behaviour):
    """A TCP 'board' (what QEMU's serial socket is) that runs `behaviour(conn, stop)`."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    stop = threading.Event()

    def serve():
        conn, _ = server.accept()
        with conn:
            behaviour(conn, stop)

    threading.Thread(target=serve, daemon=True).start()
    return server, stop


def _wait(link, timeout: float) -> tuple[str, float]:
    client = BenchClient(link, timeout=timeout)
    start = time.monotonic()
    with pytest.raises(DeviceError) as caught:
        client.wait_ready()
    return caught.value.message, time.monotonic() - start


def test_a_silent_board_is_said_to_send_nothing_on_time():
    server, stop = _board(lambda conn, stop: stop.wait(10))
    try:
        message, elapsed = _wait(connect_socket(server.getsockname()[1]), 1.0)
    finally:
        stop.set()
        server.close()
    assert message == "the board did not announce itself within 1 s: it sent nothing"
    assert 1.0 <= elapsed < 1.3


def test_a_board_talking_something_else_is_told_apart_from_a_silent_one():
    def chatter(conn, stop):  # another firmware's log, or mcugen frames at the wrong baud rate
        while not stop.is_set():
            conn.sendall(b"boot: rst:0x1 (POWERON) \xa5\x13\xff\x00 " * 8)
            time.sleep(0.01)

    server, stop = _board(chatter)
    try:
        message, elapsed = _wait(connect_socket(server.getsockname()[1]), 1.0)
    finally:
        stop.set()
        server.close()
    found = re.fullmatch(r"the board did not announce itself within 1 s: it sent (\d+) bytes that are "
                         r"not mcugen frames \(wrong baud rate or other firmware\?\)", message)
    assert found and int(found.group(1)) > 1000, message
    assert 1.0 <= elapsed < 1.3


@pytest.fixture
def deaf_port():
    """A real serial device node (pty) whose other end reads nothing and whose output queue is
    full: every write blocks, as on a board held by flow control or not running."""
    master, slave = os.openpty()
    name = os.ttyname(slave)
    filler = os.open(name, os.O_WRONLY | os.O_NONBLOCK)
    written = -1
    while written:  # until full: the kernel moves bytes to the other end's buffer a little later
        written = 0
        try:
            while True:
                written += os.write(filler, b"\0" * 64)
        except BlockingIOError:
            time.sleep(0.05)
    try:
        yield name
    finally:
        for fd in (filler, master, slave):
            os.close(fd)


def test_a_board_that_takes_no_bytes_does_not_stretch_the_wait(deaf_port):
    link = serial.Serial(deaf_port, timeout=0.05)
    try:
        message, elapsed = _wait(link, 1.0)
    finally:
        link.close()
    assert message.startswith("the board did not announce itself within 1 s: it sent nothing, and "
                              "took none of the bytes sent to it"), message
    assert 1.0 <= elapsed < 1.3  # before: blocked for ever in the first HELLO's write


def test_the_cli_gives_up_on_a_deaf_port_on_time(deaf_port, shared_models):
    model = shared_models / "hello_world" / "hello_world_int8.tflite"
    start = time.monotonic()
    proc = subprocess.run([sys.executable, "-m", "mcugen", "bench", str(model), "--board", "nucleo_l4r5zi",
                           "--port", deaf_port, "--timeout", "1"], capture_output=True, text=True,
                          stdin=subprocess.DEVNULL, timeout=60)
    elapsed = time.monotonic() - start
    assert proc.returncode == 3, proc.stderr
    assert "did not announce itself within 1 s: it sent nothing, and took none" in proc.stderr
    assert elapsed < 10  # 1 s of waiting plus start-up, not a hang


class _UntakenLink:
    """A fake link: reads nothing, and keeps what is written as unsent output."""
    timeout = 0.05
    in_waiting = 0

    def __init__(self):
        self.unsent = 0

    def read(self, n):
        time.sleep(self.timeout)
        return b""

    def write(self, data):
        self.unsent += len(data)
        return len(data)

    def reset_output_buffer(self):
        self.unsent = 0


def test_giving_up_drops_the_unsent_bytes():
    """Closing a USB serial port waits (up to 30 s) for bytes the board never took, before the
    error can be printed: they are discarded first."""
    link = _UntakenLink()
    _message, _elapsed = _wait(link, 0.6)
    assert link.unsent == 0
    client = BenchClient(link, timeout=0.3, retries=0)
    with pytest.raises(DeviceError, match="did not answer READ_STACK within 0.3 s"):
        client.read_stack()
    assert link.unsent == 0


@pytest.mark.parametrize("value", ["-1", "0"])
def test_a_timeout_must_be_positive(value, shared_models, capsys):
    model = shared_models / "hello_world" / "hello_world_int8.tflite"
    assert main(["bench", str(model), "--board", "mps2_an386", "--emulate", "--timeout", value]) == 2
    assert "Invalid value for '--timeout'" in capsys.readouterr().err
