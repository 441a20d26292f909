"""The host end of the bench protocol: requests, replies, timeouts, retries, fault diagnosis.

Works over any pyserial-like link (`read(n)`, `write(b)`, `timeout`, `in_waiting`): a USB UART,
or `serial_for_url("socket://...")` into QEMU or the host test firmware. Every failure becomes a
`DeviceError` saying what the board did (or did not do) and what to try.
"""
from __future__ import annotations

import contextlib
import time
from typing import Callable

import serial

from mcugen.bench import protocol as P
from mcugen.errors import DeviceError

POLL = 0.05  # seconds per read attempt, so deadlines are checked often
HELLO_EVERY = 0.25  # seconds between HELLOs while waiting for READY
# Commands whose repetition is harmless: resent when their reply is lost or corrupted.
_CORRUPTED = P.Frame(-1, -1, b"")  # marker: our reply came with a broken CRC
IDEMPOTENT = {P.Msg.HELLO, P.Msg.LOAD_INPUT, P.Msg.READ_OUTPUT, P.Msg.READ_LAYERS,
              P.Msg.READ_STACK, P.Msg.READ_NAMES}


class BenchClient:
    def __init__(self, link, timeout: float = 5.0, run_timeout: float = 120.0, retries: int = 2,
                 log: Callable[[str], None] | None = None):
        self.link = link
        self.timeout = timeout
        self.run_timeout = run_timeout
        self.retries = retries
        self.decoder = P.Decoder()
        self._seq = 0
        self._pending: list[P.Frame] = []
        self._log = log or (lambda _text: None)
        self.ready: P.Ready | None = None
        self.received = 0  # bytes read from the link
        self.frame_bytes = 0  # of those, bytes of well-formed frames

    # -- start-up --------------------------------------------------------------------------
    def wait_ready(self, timeout: float | None = None) -> P.Ready:
        """Wait for the board's READY, asking with HELLO every `HELLO_EVERY` seconds.

        Asking matters: the board may have announced itself before we listened (pyserial's
        socket handler even discards what arrived during connect), and bytes sent while the
        board is still booting are lost, so one HELLO is not enough either."""
        timeout = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + timeout
        received, frame_bytes = self.received, self.frame_bytes
        deaf = False  # the board takes nothing we send (no more HELLOs then: they would block)
        frame = self._next_frame(min(deadline, time.monotonic() + HELLO_EVERY),
                                 want=lambda f: f.type == P.Msg.READY)
        while frame is None and time.monotonic() < deadline:
            if not deaf:
                self._log("no READY yet; asking with HELLO")
                self._seq = self._seq % 255 + 1
                deaf = not self._write(P.encode(P.Msg.HELLO, self._seq), deadline)
            frame = self._next_frame(min(deadline, time.monotonic() + HELLO_EVERY),
                                     want=lambda f: f.type == P.Msg.READY)
        if frame is None:
            self._discard_output()
            got = self.received - received
            raise _no_ready(timeout, got, got - (self.frame_bytes - frame_bytes), deaf)
        self.ready = self._parse(P.parse_ready, frame.payload, "READY")
        if self.ready.version != P.VERSION:
            raise DeviceError(f"the board speaks bench protocol version {self.ready.version}; "
                              f"this mcugen speaks version {P.VERSION}",
                              hint="rebuild and flash the firmware with this mcugen version")
        return self.ready

    # -- commands --------------------------------------------------------------------------
    def load_input(self, index: int, data: bytes, model: int = 0) -> None:
        for offset in range(0, len(data), P.LOAD_CHUNK):
            chunk = data[offset:offset + P.LOAD_CHUNK]
            self._request(P.Msg.LOAD_INPUT, P.load_input_payload(index, offset, chunk, model))

    def run(self, model: int = 0) -> int:
        """Invoke model `model` once; returns the counter ticks of the whole invoke."""
        frame = self._request(P.Msg.RUN, P.model_payload(model), self.run_timeout)
        status, ticks = self._parse(P.parse_result, frame.payload, "RESULT")
        if status != 0:
            which = f"model {model}'s" if self.ready is not None and len(self.ready.models) > 1 else "the model's"
            raise DeviceError(f"{which} invoke failed on the board at layer {status - 1}",
                              hint="a kernel rejected its arguments: please report it with the model")
        return ticks

    def read_output(self, index: int, size: int, model: int = 0) -> bytes:
        out = bytearray()
        while len(out) < size:
            length = min(P.MAX_PAYLOAD, size - len(out))
            frame = self._request(P.Msg.READ_OUTPUT, P.read_output_payload(index, len(out), length, model))
            if len(frame.payload) != length:
                raise DeviceError(f"the board sent {len(frame.payload)} output bytes for {length} asked")
            out += frame.payload
        return bytes(out)

    def read_layers(self, count: int, model: int = 0) -> tuple[int, ...]:
        """Ticks of each layer of the last RUN, which ran `model`."""
        ticks: list[int] = []
        while len(ticks) < count:
            n = min(P.MAX_LAYERS_PER_READ, count - len(ticks))
            frame = self._request(P.Msg.READ_LAYERS, P.read_layers_payload(len(ticks), n, model))
            _first, part = self._parse(P.parse_layers, frame.payload, "LAYERS")
            ticks += part
        return tuple(ticks)

    def read_names(self, count: int, model: int = 0) -> tuple[str, ...]:
        names: list[str] = []
        while len(names) < count:
            frame = self._request(P.Msg.READ_NAMES, P.read_names_payload(len(names), model))
            _first, part = self._parse(P.parse_names, frame.payload, "NAMES")
            if not part:
                raise DeviceError("the board sent no layer names")
            names += part
        return tuple(names[:count])

    def read_stack(self) -> tuple[int, int]:
        """(peak stack bytes of the last run, stack region bytes); 0 when not measurable."""
        return self._parse(P.parse_stack, self._request(P.Msg.READ_STACK, b"").payload, "STACK")

    def reset_state(self, model: int = 0) -> None:
        """Clear a model's persistent state (recurrent layers): its next RUN starts a stream."""
        self._request(P.Msg.RESET_STATE, P.model_payload(model))

    def exit(self) -> None:
        self._request(P.Msg.EXIT, b"")

    # -- machinery -------------------------------------------------------------------------
    def _request(self, msg: P.Msg, payload: bytes, timeout: float | None = None) -> P.Frame:
        timeout = self.timeout if timeout is None else timeout
        attempts = 1 + (self.retries if msg in IDEMPOTENT else 0)
        self._seq = self._seq % 255 + 1  # 0 is for unsolicited frames
        seq = self._seq
        self.decoder.bad_seqs.clear()
        corrupted = False
        for attempt in range(attempts):
            deadline = time.monotonic() + timeout
            if not self._write(P.encode(msg, seq, payload), deadline):
                self._discard_output()
                raise DeviceError(f"the board took no bytes of {msg.name} within {timeout:g} s",
                                  hint="is it still running? Press its reset button and retry")
            while True:
                frame = self._next_frame(deadline, want=lambda f: True, bad_seq=seq)
                if frame is None or frame is _CORRUPTED:
                    corrupted = frame is _CORRUPTED
                    break  # send again if we may
                if frame.type == P.Msg.READY and frame.seq == P.NO_SEQ and msg != P.Msg.HELLO:
                    raise DeviceError(
                        f"the board reset while mcugen waited for the reply to {msg.name} "
                        "(it announced itself again)",
                        hint="check its power supply and the stack size; a watchdog or a crash "
                             "in the model resets the board")
                if frame.seq != seq:
                    self._log(f"ignoring a stale {_name(frame.type)} frame (seq {frame.seq})")
                    continue
                if frame.type == P.Msg.ERROR:
                    err = self._parse(P.parse_error, frame.payload, "ERROR")
                    if err.code == P.ErrorCode.BAD_CRC and attempt + 1 < attempts:
                        self._log(f"board saw a corrupted {msg.name}; sending it again")
                        break
                    raise DeviceError(f"the board refused {msg.name}: {err.describe()}",
                                      hint="the firmware and mcugen disagree; rebuild and flash it")
                return frame
            if attempt + 1 < attempts:
                self._log(f"no valid reply to {msg.name} in {timeout:g} s; retrying")
        self._discard_output()
        if corrupted:
            raise DeviceError(f"the reply to {msg.name} arrived corrupted",
                              hint="a noisy line: check the cable, or lower the baud rate")
        raise DeviceError(
            f"the board did not answer {msg.name} within {timeout:g} s",
            hint="is the bench firmware running on it (mcugen flash), at the right baud rate? "
                 "For a slow model raise --timeout")

    def _next_frame(self, deadline: float, want: Callable[[P.Frame], bool],
                    bad_seq: int | None = None) -> P.Frame | None:
        """The next wanted frame before `deadline`, None on timeout, `_CORRUPTED` when the
        reply with `bad_seq` arrived with a broken CRC."""
        while True:
            while self._pending:
                frame = self._pending.pop(0)
                if frame.version != P.VERSION:
                    raise DeviceError(f"the board sent a frame of protocol version {frame.version}",
                                      hint="rebuild and flash the firmware with this mcugen version")
                if want(frame):
                    return frame
            if bad_seq is not None and bad_seq in self.decoder.bad_seqs:
                self.decoder.bad_seqs.clear()
                return _CORRUPTED
            if time.monotonic() >= deadline:
                return None
            data = self._read(deadline)
            if data:
                skipped = self.decoder.skipped
                frames = self.decoder.feed(data)
                self.received += len(data)
                self.frame_bytes += sum(P.HEADER_BYTES + len(f.payload) + P.CRC_BYTES for f in frames)
                self._pending += frames
                if self.decoder.skipped != skipped:
                    self._log(f"skipped {self.decoder.skipped - skipped} garbage byte(s) on the line")

    def _read(self, deadline: float) -> bytes:
        try:
            wait = min(POLL, max(deadline - time.monotonic(), 0.001))
            if self.link.timeout != wait:
                self.link.timeout = wait
            waiting = getattr(self.link, "in_waiting", 0) or 1
            return self.link.read(min(waiting, 4096))
        except (serial.SerialException, OSError) as exc:
            raise DeviceError(f"lost the connection to the board: {exc}",
                              hint="the board was unplugged, or the emulator stopped") from exc

    def _write(self, data: bytes, deadline: float) -> bool:
        """Send `data`; False when the board did not take it all before `deadline` (it does not
        read, or flow control holds it): a write never outlasts the wait it belongs to."""
        try:
            if hasattr(self.link, "write_timeout"):
                self.link.write_timeout = max(deadline - time.monotonic(), 0.001)
            self.link.write(data)
            return True
        except serial.SerialTimeoutException:
            return False
        except (serial.SerialException, OSError) as exc:
            raise DeviceError(f"lost the connection to the board: {exc}",
                              hint="the board was unplugged, or the emulator stopped") from exc

    def _discard_output(self) -> None:
        """Drop what the board has not taken yet: closing a USB serial port with unsent bytes
        waits for them (up to 30 s) before the error could even be shown."""
        reset = getattr(self.link, "reset_output_buffer", None)
        if reset is not None:
            with contextlib.suppress(Exception):
                reset()

    @staticmethod
    def _parse(parser, payload: bytes, what: str):
        try:
            return parser(payload)
        except P.ProtocolError as exc:
            raise DeviceError(f"malformed {what} reply from the board: {exc}",
                              hint="the firmware and mcugen disagree; rebuild and flash it") from exc


def _no_ready(timeout: float, got: int, garbage: int, deaf: bool) -> DeviceError:
    """Why no READY came: a silent board, one talking something else, one that does not read."""
    if got == 0:
        what = "sent nothing"
        hint = "is the bench firmware flashed (mcugen flash) and running? Press the board's reset button and retry"
    elif garbage == got:
        what = f"sent {got} bytes that are not mcugen frames (wrong baud rate or other firmware?)"
        hint = "flash the bench firmware (mcugen flash), or give the baud rate it was built with (--baud)"
    else:
        what = f"sent {got} bytes but no READY frame"
        hint = "rebuild and flash the bench firmware with this mcugen version"
    if deaf:
        what += ", and took none of the bytes sent to it (is it running? hardware flow control?)"
    return DeviceError(f"the board did not announce itself within {timeout:g} s: it {what}", hint=hint)


def _name(msg_type: int) -> str:
    try:
        return P.Msg(msg_type).name
    except ValueError:
        return f"0x{msg_type:02x}"
