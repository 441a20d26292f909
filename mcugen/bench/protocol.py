"""The bench serial protocol, host side: frames, their incremental decoder, and message payloads.

docs/protocol.md is the specification; firmware/bench/mg_bench_proto.c is the firmware's twin.
Pure functions and frozen dataclasses, no I/O: the client (client.py) moves the bytes.
"""
from __future__ import annotations

import enum
import struct
import zlib
from dataclasses import dataclass

VERSION = 2  # 2: several models in one firmware, commands name the model (docs/protocol.md)
MAGIC = b"\xa5\x5a"
HEADER_BYTES = 8
CRC_BYTES = 4
MAX_PAYLOAD = 1024
MAX_FRAME = HEADER_BYTES + MAX_PAYLOAD + CRC_BYTES
NO_SEQ = 0  # seq of unsolicited frames (READY at boot, framing errors without a header)
MAX_LAYERS_PER_READ = (MAX_PAYLOAD - 4) // 4
LOAD_CHUNK = MAX_PAYLOAD - 6  # LOAD_INPUT payload: u8 model, u8 input, u32 offset, then data


class Msg(enum.IntEnum):
    HELLO = 0x01
    LOAD_INPUT = 0x02
    RUN = 0x03
    READ_OUTPUT = 0x04
    READ_LAYERS = 0x05
    READ_STACK = 0x06
    READ_NAMES = 0x07
    EXIT = 0x08
    RESET_STATE = 0x09
    READY = 0x80
    ACK = 0x81
    RESULT = 0x82
    OUTPUT = 0x83
    LAYERS = 0x84
    STACK = 0x85
    NAMES = 0x86
    ERROR = 0xEE


class ErrorCode(enum.IntEnum):
    BAD_CRC = 1
    BAD_VERSION = 2
    UNKNOWN_COMMAND = 3
    BAD_ARGUMENT = 4


class ProtocolError(ValueError):
    """A payload that does not have the shape its message type requires."""


def crc8(data: bytes) -> int:
    """CRC-8, polynomial 0x07, initial value 0, no reflection (guards the 7 header bytes)."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def crc32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


@dataclass(frozen=True)
class Frame:
    type: int
    seq: int
    payload: bytes
    version: int = VERSION


def encode(msg_type: int, seq: int, payload: bytes = b"", version: int = VERSION) -> bytes:
    if len(payload) > MAX_PAYLOAD:
        raise ProtocolError(f"payload of {len(payload)} bytes exceeds {MAX_PAYLOAD}")
    head = MAGIC + struct.pack("<BBBH", version, msg_type, seq & 0xFF, len(payload))
    head += bytes([crc8(head)])
    return head + payload + struct.pack("<I", crc32(head[2:] + payload))


class Decoder:
    """Turns a byte stream into frames, skipping garbage; lengths above MAX_PAYLOAD are never trusted.

    `feed` returns complete frames; it never waits for more than one maximum-size frame.
    Frames whose CRC-32 fails are dropped whole and counted in `bad_frames` (their seq goes to
    `bad_seqs`: the header was intact); bytes skipped hunting for a header count in `skipped`.
    """

    def __init__(self) -> None:
        self._buf = bytearray()
        self.skipped = 0
        self.bad_frames = 0
        self.bad_seqs: list[int] = []

    def feed(self, data: bytes) -> list[Frame]:
        self._buf += data
        frames: list[Frame] = []
        while True:
            self._hunt()
            if len(self._buf) < HEADER_BYTES:
                break
            length = self._buf[5] | (self._buf[6] << 8)
            end = HEADER_BYTES + length + CRC_BYTES
            if len(self._buf) < end:
                break
            body = bytes(self._buf[2:HEADER_BYTES + length])
            (crc,) = struct.unpack_from("<I", self._buf, HEADER_BYTES + length)
            version, msg_type, seq = self._buf[2], self._buf[3], self._buf[4]
            payload = bytes(self._buf[HEADER_BYTES:HEADER_BYTES + length])
            del self._buf[:end]
            if crc != crc32(body):
                self.bad_frames += 1
                self.bad_seqs.append(seq)
                continue
            frames.append(Frame(msg_type, seq, payload, version))
        return frames

    def _hunt(self) -> None:
        """Drop bytes until the buffer starts with (a prefix of) a plausible header."""
        buf = self._buf
        while buf:
            if buf[0] != MAGIC[0] or (len(buf) >= 2 and buf[1] != MAGIC[1]):
                drop = buf.find(MAGIC[0], 1)
                drop = len(buf) if drop < 0 else drop
            elif len(buf) >= HEADER_BYTES and not _header_ok(buf):
                drop = 1
            else:
                return
            del buf[:drop]
            self.skipped += drop


def _header_ok(buf: bytearray) -> bool:
    length = buf[5] | (buf[6] << 8)
    return crc8(bytes(buf[:7])) == buf[7] and length <= MAX_PAYLOAD


# -- payloads --------------------------------------------------------------------------------

@dataclass(frozen=True)
class ModelInfo:
    """One model of the firmware, as READY announces it."""

    name: str  # its C prefix
    model_sha256_prefix: str
    input_bytes: tuple[int, ...]
    output_bytes: tuple[int, ...]
    num_layers: int

    def encode(self) -> bytes:
        out = struct.pack("<BBH", len(self.input_bytes), len(self.output_bytes), self.num_layers)
        out += self.model_sha256_prefix.encode("ascii").ljust(16, b"\0")[:16]
        out += b"".join(struct.pack("<I", n) for n in self.input_bytes + self.output_bytes)
        name = self.name.encode("ascii")
        return out + bytes([len(name)]) + name


@dataclass(frozen=True)
class Ready:
    version: int
    counts_instructions: bool
    emulated: bool
    counter_hz: int
    arena_bytes: int  # every model's, every RAM region's
    models: tuple[ModelInfo, ...]
    board: str
    concurrent: bool = False  # the models were built to run at the same time (disjoint arena bytes)

    def encode(self) -> bytes:
        flags = int(self.counts_instructions) | (int(self.emulated) << 1) | (int(self.concurrent) << 2)
        out = struct.pack("<BBIIB", self.version, flags, self.counter_hz, self.arena_bytes, len(self.models))
        out += b"".join(m.encode() for m in self.models)
        name = self.board.encode("ascii")
        return out + bytes([len(name)]) + name


def _text(payload: bytes, pos: int, what: str) -> tuple[str, int]:
    """A length-prefixed ASCII string at `pos`, and the position after it."""
    if len(payload) < pos + 1:
        raise ProtocolError(f"READY payload ends before the {what}")
    size = payload[pos]
    text = payload[pos + 1:pos + 1 + size]
    if len(text) != size:
        raise ProtocolError(f"READY payload ends inside the {what}")
    return text.decode("ascii", "replace"), pos + 1 + size


def parse_ready(payload: bytes) -> Ready:
    fixed = struct.calcsize("<BBIIB")
    if len(payload) < fixed + 1:
        raise ProtocolError(f"READY payload too short ({len(payload)} bytes)")
    version, flags, hz, arena, count = struct.unpack_from("<BBIIB", payload)
    pos, models = fixed, []
    for _ in range(count):
        if len(payload) < pos + 4 + 16:
            raise ProtocolError("READY payload too short for its models")
        n_in, n_out, n_layers = struct.unpack_from("<BBH", payload, pos)
        pos += 4
        sha = payload[pos:pos + 16].split(b"\0")[0].decode("ascii", "replace")
        pos += 16
        if len(payload) < pos + 4 * (n_in + n_out):
            raise ProtocolError("READY payload too short for its tensor sizes")
        sizes = struct.unpack_from(f"<{n_in + n_out}I", payload, pos)
        pos += 4 * (n_in + n_out)
        name, pos = _text(payload, pos, "model name")
        models.append(ModelInfo(name, sha, tuple(sizes[:n_in]), tuple(sizes[n_in:]), n_layers))
    board, pos = _text(payload, pos, "board name")
    return Ready(version, bool(flags & 1), bool(flags & 2), hz, arena, tuple(models), board, bool(flags & 4))


@dataclass(frozen=True)
class RemoteError:
    code: int
    command: int
    message: str

    def describe(self) -> str:
        try:
            code = ErrorCode(self.code).name
        except ValueError:
            code = f"code {self.code}"
        try:
            cmd = Msg(self.command).name
        except ValueError:
            cmd = f"command 0x{self.command:02x}"
        return f"{code} on {cmd}: {self.message}" if self.message else f"{code} on {cmd}"


def parse_error(payload: bytes) -> RemoteError:
    if len(payload) < 2:
        raise ProtocolError("ERROR payload too short")
    return RemoteError(payload[0], payload[1], payload[2:].decode("ascii", "replace"))


def load_input_payload(index: int, offset: int, data: bytes, model: int = 0) -> bytes:
    return struct.pack("<BBI", model, index, offset) + data


def read_output_payload(index: int, offset: int, length: int, model: int = 0) -> bytes:
    return struct.pack("<BBIH", model, index, offset, length)


def read_layers_payload(first: int, count: int, model: int = 0) -> bytes:
    return struct.pack("<BHH", model, first, count)


def read_names_payload(first: int, model: int = 0) -> bytes:
    return struct.pack("<BH", model, first)


def model_payload(model: int = 0) -> bytes:
    """RUN and RESET_STATE: the model index alone."""
    return struct.pack("<B", model)


def parse_result(payload: bytes) -> tuple[int, int]:
    """RESULT -> (invoke status, ticks)."""
    if len(payload) != 8:
        raise ProtocolError(f"RESULT payload has {len(payload)} bytes, not 8")
    return struct.unpack("<iI", payload)


def parse_layers(payload: bytes) -> tuple[int, tuple[int, ...]]:
    """LAYERS -> (first layer index, ticks of each layer)."""
    if len(payload) < 4:
        raise ProtocolError("LAYERS payload too short")
    first, count = struct.unpack_from("<HH", payload)
    if len(payload) != 4 + 4 * count:
        raise ProtocolError(f"LAYERS payload for {count} layers has {len(payload)} bytes")
    return first, struct.unpack_from(f"<{count}I", payload, 4)


def parse_stack(payload: bytes) -> tuple[int, int]:
    """STACK -> (peak bytes used, region bytes)."""
    if len(payload) != 8:
        raise ProtocolError(f"STACK payload has {len(payload)} bytes, not 8")
    return struct.unpack("<II", payload)


def parse_names(payload: bytes) -> tuple[int, tuple[str, ...]]:
    """NAMES -> (first layer index, names)."""
    if len(payload) < 4:
        raise ProtocolError("NAMES payload too short")
    first, count = struct.unpack_from("<HH", payload)
    parts = payload[4:].split(b"\0")
    if len(parts) != count + 1 or parts[-1]:
        raise ProtocolError(f"NAMES payload does not hold {count} NUL-terminated names")
    return first, tuple(p.decode("ascii", "replace") for p in parts[:-1])
