"""The frame protocol on both sides: Python decoder properties (hypothesis), and the firmware's C
parser fuzzed differentially against it through ctypes, plus an ASan batch over hostile bytes."""
from __future__ import annotations

import ctypes
import struct
import subprocess
import zlib

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hostfw import FW, HOST_C
from mcugen.bench import protocol as P

payloads = st.binary(max_size=P.MAX_PAYLOAD)
frames = st.tuples(st.integers(0, 255), st.integers(0, 255), st.binary(max_size=300))
no_magic = st.binary(max_size=64).map(lambda b: b.replace(b"\xa5", b"\x00"))


def c_events(lib, data: bytes) -> list[tuple[int, int, int, bytes]]:
    """(result, type, seq, payload) for every event of the C parser over `data`."""
    cap = 16 * len(data) + 64
    out = ctypes.create_string_buffer(cap)
    n = lib.mg_fuzz_feed(data, len(data), out, cap)
    assert n >= 0
    raw, events, pos = out.raw[:n], [], 0
    while pos < n:
        result, typ, seq, length = struct.unpack_from("<BBBH", raw, pos)
        pos += 5
        body = raw[pos:pos + length] if result == 1 else b""
        pos += len(body)
        events.append((result, typ, seq, body))
    return events


def test_frame_layout_matches_the_spec():
    frame = P.encode(P.Msg.RUN, 7, b"\x01\x02")
    assert frame[:2] == b"\xa5\x5a" and frame[2] == 2 and frame[3] == 0x03 and frame[4] == 7
    assert struct.unpack_from("<H", frame, 5)[0] == 2
    assert frame[7] == P.crc8(frame[:7])
    assert struct.unpack_from("<I", frame, 10)[0] == zlib.crc32(frame[2:10])
    assert P.crc8(b"123456789") == 0xF4  # the standard check value of CRC-8/SMBUS (poly 0x07)


@given(st.integers(0, 255), st.integers(0, 255), payloads, st.lists(st.integers(1, 50), max_size=20))
def test_decoder_roundtrip_any_chunking(msg_type, seq, payload, cuts):
    stream = P.encode(msg_type, seq, payload) * 2
    dec, got, pos = P.Decoder(), [], 0
    for cut in cuts + [len(stream)]:
        got += dec.feed(stream[pos:pos + cut])
        pos += cut
    got += dec.feed(stream[pos:])
    assert got == [P.Frame(msg_type, seq, payload)] * 2
    assert dec.skipped == 0 and dec.bad_frames == 0


@given(no_magic, frames, no_magic)
def test_decoder_finds_a_frame_after_garbage(before, frame, after):
    typ, seq, payload = frame
    dec = P.Decoder()
    assert dec.feed(before + P.encode(typ, seq, payload) + after) == [P.Frame(typ, seq, payload)]
    assert dec.skipped == len(before) + len(after)


@given(st.binary(max_size=4000))
def test_decoder_is_bounded_on_arbitrary_bytes(data):
    dec = P.Decoder()
    for i in range(0, len(data), 97):
        dec.feed(data[i:i + 97])
        assert len(dec._buf) < P.MAX_FRAME


@given(frames, st.integers(0, 400))
def test_decoder_drops_a_corrupted_frame_and_keeps_the_next(frame, flip):
    typ, seq, payload = frame
    bad = bytearray(P.encode(typ, seq, payload))
    flip = 8 + flip % (len(bad) - 8)  # corrupt the body or CRC, not the header
    bad[flip] ^= 0x40
    dec = P.Decoder()
    assert dec.feed(bytes(bad) + P.encode(1, 2, b"ok")) == [P.Frame(1, 2, b"ok")]
    assert dec.bad_frames == 1 and dec.bad_seqs == [seq]


def test_decoder_does_not_trust_a_huge_length():
    head = P.MAGIC + struct.pack("<BBBH", 1, 0x80, 0, 60000)
    dec = P.Decoder()
    assert dec.feed(head + bytes([P.crc8(head)]) + P.encode(3, 4, b"x")) == [P.Frame(3, 4, b"x")]


@pytest.mark.parametrize("models, concurrent", [
    ((P.ModelInfo("model", "618aeb155673dae9", (490,), (12,), 13),), False),
    ((P.ModelInfo("kws", "618aeb155673dae9", (490,), (12,), 13),
      P.ModelInfo("ic", "a3b6e1b5c7d20000", (3072,), (10,), 16),
      P.ModelInfo("two_io", "0123456789abcdef", (4, 8), (1, 2, 3), 0)), True),
])
def test_ready_payload_roundtrip_and_truncation(models, concurrent):
    ready = P.Ready(2, True, True, 25_000_000, 16000, models, "mps2_an386", concurrent)
    raw = ready.encode()
    assert P.parse_ready(raw) == ready
    for cut in range(len(raw)):
        with pytest.raises(P.ProtocolError):
            P.parse_ready(raw[:cut])


def test_ready_layout_matches_the_spec():
    """docs/protocol.md's READY, byte for byte: the fixed part, then per model, then the board."""
    ready = P.Ready(2, False, True, 1000, 0x01020304, (P.ModelInfo("ab", "0011223344556677", (5,), (6, 7), 258),),
                    "b", True)
    assert ready.encode() == (bytes([2, 0b110]) + (1000).to_bytes(4, "little") + bytes([4, 3, 2, 1])
                              + bytes([1]) + bytes([1, 2]) + (258).to_bytes(2, "little") + b"0011223344556677"
                              + b"".join(n.to_bytes(4, "little") for n in (5, 6, 7)) + b"\x02ab" + b"\x01b")


def test_model_addressed_payloads_lead_with_the_model_index():
    assert P.load_input_payload(1, 0x0203, b"xy", model=4) == bytes([4, 1, 3, 2, 0, 0]) + b"xy"
    assert P.read_output_payload(2, 7, 0x0105, model=3) == bytes([3, 2, 7, 0, 0, 0, 5, 1])
    assert P.read_layers_payload(1, 2, model=5) == bytes([5, 1, 0, 2, 0])
    assert P.read_names_payload(0x0102, model=6) == bytes([6, 2, 1])
    assert P.model_payload(7) == bytes([7])
    assert P.LOAD_CHUNK + 6 == P.MAX_PAYLOAD


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(frames.map(lambda f: P.encode(*f)), st.binary(max_size=40)), max_size=12))
def test_c_parser_agrees_with_python_decoder(c_proto, pieces):
    stream = b"".join(pieces)
    dec = P.Decoder()
    py_frames = dec.feed(stream)
    events = c_events(c_proto, stream)
    c_frames = [P.Frame(t, s, body) for r, t, s, body in events if r == 1]
    assert c_frames == py_frames
    assert sum(1 for r, *_ in events if r == 2) == dec.bad_frames


@given(st.integers(0, 255), st.integers(0, 255), payloads)
def test_c_encoder_equals_python_encoder(c_proto, msg_type, seq, payload):
    out = ctypes.create_string_buffer(P.MAX_FRAME)
    n = c_proto.mg_fuzz_encode(out, P.MAX_FRAME, msg_type, seq, payload, len(payload))
    assert out.raw[:n] == P.encode(msg_type, seq, payload)


def test_c_encoder_refuses_what_does_not_fit(c_proto):
    out = ctypes.create_string_buffer(P.MAX_FRAME + 100)
    assert c_proto.mg_fuzz_encode(out, 20, 1, 1, b"x" * 9, 9) == 0
    assert c_proto.mg_fuzz_encode(out, P.MAX_FRAME + 100, 1, 1, b"x" * 1025, 1025) == 0


def test_c_parser_reports_other_versions(c_proto):
    events = c_events(c_proto, P.encode(1, 9, b"", version=1) + P.encode(1, 10, b""))
    assert [(r, s) for r, _t, s, _b in events] == [(3, 9), (1, 10)]


def test_c_parser_survives_megabytes_of_hostile_bytes_under_asan(tmp_path):
    """One process, ASan + UBSan: random bytes, bytes rich in magic, and truncated frames."""
    exe = tmp_path / "proto_batch"
    cmd = ["gcc", "-std=c99", "-Wall", "-Wextra", "-Werror", "-O1", "-g",
           "-fsanitize=address,undefined", "-fno-sanitize-recover=all", f"-I{FW / 'bench'}",
           str(FW / "bench" / "mg_bench_proto.c"), str(HOST_C / "proto_shim.c"),
           str(HOST_C / "proto_batch.c"), "-o", str(exe)]
    subprocess.run(cmd, check=True)
    rng = np.random.default_rng(1)
    parts = [rng.integers(0, 256, 1 << 20, dtype=np.uint8).tobytes(),
             rng.choice(np.array([0xA5, 0x5A, 0x01, 0x00, 0x04, 0xFF], dtype=np.uint8), 1 << 20).tobytes()]
    for k in range(2000):
        frame = P.encode(k % 256, k % 255, rng.integers(0, 256, k % 1100 if k % 1100 <= 1024 else 7,
                                                         dtype=np.uint8).tobytes())
        parts.append(frame[: int(rng.integers(1, len(frame) + 1))])
    data = b"".join(parts)
    proc = subprocess.run([str(exe)], input=data, capture_output=True, timeout=120)
    assert proc.returncode == 0, proc.stderr.decode()[-3000:]
    assert int(proc.stdout.split()[0]) == len(data)


def test_c_parser_passes_version_2_model_frames_and_refuses_version_1(c_proto):
    """The firmware's parser delivers every model-addressed command of version 2 whole (payloads
    as the host encodes them), and reports a version-1 frame (an old host) as BAD_VERSION."""
    commands = [(P.Msg.LOAD_INPUT, P.load_input_payload(0, 2048, bytes(range(200)), model=1)),
                (P.Msg.RUN, P.model_payload(3)), (P.Msg.READ_OUTPUT, P.read_output_payload(1, 5, 1024, model=2)),
                (P.Msg.READ_LAYERS, P.read_layers_payload(250, 5, model=1)),
                (P.Msg.READ_NAMES, P.read_names_payload(7, model=4)), (P.Msg.RESET_STATE, P.model_payload(1))]
    stream = b"".join(P.encode(t, k + 1, body) for k, (t, body) in enumerate(commands))
    stream += P.encode(P.Msg.RUN, 99, b"", version=1)
    events = c_events(c_proto, stream)
    assert [(r, t, s, b) for r, t, s, b in events[:-1]] == [(1, t, k + 1, body) for k, (t, body) in enumerate(commands)]
    assert events[-1][:3] == (3, P.Msg.RUN, 99)
