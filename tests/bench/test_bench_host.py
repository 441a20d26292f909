"""The bench firmware built for the host (ASan + UBSan, a TCP socket for its UART) against the
real client: sessions checked against tflite-micro, and every fault the client must diagnose."""
from __future__ import annotations

import socket
import threading
import time

import numpy as np
import pytest

from hostfw import HOST_C, build_bench_host, running
from mcugen.bench import protocol as P
from mcugen.bench.client import BenchClient
from mcugen.bench.link import connect_socket
from mcugen.bench.session import make_samples, run_session
from mcugen.errors import DeviceError


@pytest.fixture(scope="module")
def hello(models_dir):
    from mcugen.convert.tflite_reader import read_graph

    data = (models_dir / "hello_world" / "hello_world_int8.tflite").read_bytes()
    return data, read_graph(data, name="hello_world")


@pytest.fixture(scope="module")
def hello_fw(hello, tmp_path_factory):
    """The generated hello_world model compiled into the host bench firmware."""
    from mcugen.codegen import generate_sources
    from mcugen import pipeline
    from mcugen.ops import lower_graph

    _data, graph = hello
    calls = lower_graph(graph)
    src = tmp_path_factory.mktemp("hello_fw")
    generate_sources(graph, pipeline.plan(graph, calls), calls).write(src)
    return build_bench_host(src, src / "bench_host")


@pytest.fixture(scope="module")
def tiny_fw(tmp_path_factory):
    """A hand-written two-layer model with a 1500-byte input: more than one frame each way."""
    out = tmp_path_factory.mktemp("tiny_fw")
    return build_bench_host(HOST_C / "tiny", out / "bench_tiny")


def tiny_expected(x: np.ndarray) -> np.ndarray:
    y = np.minimum(x.astype(np.int16) + 1, 127)
    return np.where(y == -128, 127, -y).astype(np.int8)


def client_for(port: int, timeout: float = 3.0) -> BenchClient:
    return BenchClient(connect_socket(port), timeout=timeout, run_timeout=timeout)


def test_session_is_bit_exact_with_tflite_micro(hello, hello_fw):
    from mcugen.oracle import TflmOracle

    data, graph = hello
    with running(hello_fw) as (_proc, port):
        result = run_session(client_for(port), data, graph, make_samples(graph, 8, seed=3),
                             TflmOracle(data))
    assert result.outputs_match and result.n == 8 and result.mismatch_count == 0
    assert result.layer_names == ("FULLY_CONNECTED",) * 3
    assert result.unit == "cycles" and result.board == "host"
    assert all(sum(layers) <= total for layers, total in zip(result.layer_counts, result.totals))
    doc = result.to_json()
    assert {"board", "model", "n", "outputs_match", "mismatches", "latency", "layers", "arena_bytes",
            "stack_peak_bytes", "flash_bytes"} <= set(doc)
    assert set(doc["latency"]) == {"unit", "median", "p90", "min", "max"}
    assert "latency_us" in doc  # a real (not emulated) counter gives time too


def test_a_wrong_output_is_reported_not_hidden(hello, hello_fw):
    from mcugen.oracle import TflmOracle

    data, graph = hello

    class OffByOne:
        def __init__(self):
            self.oracle = TflmOracle(data)

        def run(self, inputs):
            return [(o.astype(np.int16) + 1).clip(-128, 127).astype(np.int8) for o in self.oracle.run(inputs)]

    with running(hello_fw) as (_proc, port):
        result = run_session(client_for(port), data, graph, make_samples(graph, 3), OffByOne())
    assert not result.outputs_match and result.mismatch_count >= 1
    assert result.mismatches[0].max_abs_diff >= 1


def test_large_tensors_travel_in_chunks(tiny_fw):
    x = np.random.default_rng(5).integers(-128, 128, 1500, dtype=np.int8)
    x[:3] = [127, -128, -127]
    with running(tiny_fw) as (_proc, port):
        client = client_for(port)
        ready = client.wait_ready()
        assert len(ready.models) == 1 and ready.models[0].name == "model" and not ready.concurrent
        assert ready.models[0].input_bytes == (1500,) and ready.models[0].output_bytes == (1500,)
        for _ in range(2):  # the model overwrites its input: it must be reloaded every time
            client.load_input(0, x.tobytes())
            client.run()
            out = np.frombuffer(client.read_output(0, 1500), np.int8)
            assert np.array_equal(out, tiny_expected(x))
        assert client.read_names(2) == ("ADD", "NEG")
        assert len(client.read_layers(2)) == 2


def test_bad_requests_come_back_as_error_frames(tiny_fw):
    with running(tiny_fw) as (_proc, port):
        client = client_for(port)
        client.wait_ready()
        with pytest.raises(DeviceError, match="BAD_ARGUMENT on LOAD_INPUT"):
            client.load_input(3, b"\x00")
        with pytest.raises(DeviceError, match="BAD_ARGUMENT on READ_OUTPUT"):
            client._request(P.Msg.READ_OUTPUT, P.read_output_payload(0, 1400, 200))
        with pytest.raises(DeviceError, match="UNKNOWN_COMMAND"):
            client._request(P.Msg(0x86), b"")
        client.load_input(0, bytes(1500))  # still serving after errors
        client.run()


def test_a_failing_invoke_names_the_layer(tiny_fw):
    with running(tiny_fw) as (_proc, port):
        client = client_for(port)
        client.wait_ready()
        client.load_input(0, bytes([42, 42]) + bytes(1498))
        with pytest.raises(DeviceError, match="invoke failed on the board at layer 1"):
            client.run()


def test_garbage_in_both_directions_is_skipped(tiny_fw):
    x = np.arange(1500, dtype=np.int64).astype(np.int8)
    with running(tiny_fw, MG_HOST_GARBAGE="1") as (_proc, port):
        client = client_for(port)
        client.wait_ready()
        client.link.write(b"\xa5\x5a\x01\x02\x03 line noise \xa5")  # and towards the board
        client.load_input(0, x.tobytes())
        client.run()
        assert np.array_equal(np.frombuffer(client.read_output(0, 1500), np.int8), tiny_expected(x))
        assert client.decoder.skipped > 0


def test_a_corrupted_command_is_resent(tiny_fw):
    with running(tiny_fw) as (_proc, port):
        client = client_for(port)
        client.wait_ready()
        bad = bytearray(P.encode(P.Msg.READ_STACK, 77))
        bad[-1] ^= 0xFF
        client.link.write(bytes(bad))  # the board answers ERROR(BAD_CRC) with seq 77
        frame = client._next_frame(time.monotonic() + 3, want=lambda f: f.type == P.Msg.ERROR)
        assert frame is not None and frame.seq == 77
        assert P.parse_error(frame.payload).code == P.ErrorCode.BAD_CRC


def test_a_corrupted_reply_is_asked_for_again(tiny_fw):
    with running(tiny_fw, MG_HOST_CORRUPT="1") as (_proc, port):
        client = client_for(port)
        client.wait_ready()
        assert client.read_stack() == (0, 0)  # the first reply was broken, the second is fine
        assert client.decoder.bad_frames == 1


def test_a_corrupted_run_result_is_not_run_again(tiny_fw):
    with running(tiny_fw, MG_HOST_CORRUPT="2") as (_proc, port):
        client = client_for(port)
        client.wait_ready()
        client.load_input(0, bytes(1000))  # reply 1: ACK
        with pytest.raises(DeviceError, match="reply to RUN arrived corrupted"):
            client.run()  # reply 2: RESULT (rerunning would compute on a clobbered input)


def test_reset_mid_run_is_detected(tiny_fw):
    with running(tiny_fw, MG_HOST_RESET_AFTER="600") as (_proc, port):
        client = client_for(port)
        client.wait_ready()
        start = time.monotonic()
        with pytest.raises(DeviceError, match="reset"):
            client.load_input(0, bytes(1500))
        assert time.monotonic() - start < 3


def test_board_dying_mid_run_is_a_clear_error(tiny_fw):
    with running(tiny_fw) as (proc, port):
        client = client_for(port)
        client.wait_ready()
        proc.kill()
        start = time.monotonic()
        with pytest.raises(DeviceError, match="lost the connection|did not answer"):
            client.load_input(0, bytes(1500))
        assert time.monotonic() - start < 3 * 3 + 1


def test_a_different_model_is_refused(hello_fw, models_dir):
    from mcugen.convert.tflite_reader import read_graph

    other = (models_dir / "ad" / "ad01_int8.tflite").read_bytes()
    graph = read_graph(other, name="ad01")
    with running(hello_fw) as (_proc, port):
        with pytest.raises(DeviceError, match="different model"):
            run_session(client_for(port), other, graph, make_samples(graph, 1), oracle=None)


def test_silent_board_times_out():
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        accepted = []
        threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
        client = client_for(server.getsockname()[1], timeout=1.0)
        start = time.monotonic()
        with pytest.raises(DeviceError, match="did not announce itself within 1 s"):
            client.wait_ready()
        assert time.monotonic() - start < 2


def test_every_session_of_a_recurrent_model_starts_a_fresh_stream(tmp_path):
    """An LSTM (state carried from invoke to invoke): two sessions on one running firmware both
    match a fresh tflite-micro, so RESET_STATE (<prefix>_reset_state) really restarts the stream."""
    from mcugen import pipeline
    from mcugen.codegen import generate_sources
    from mcugen.convert.tflite_reader import read_graph
    from mcugen.ops import lower_graph
    from mcugen.oracle import TflmOracle
    from tests.support.lstm_models import LstmSpec, lstm_model

    data = lstm_model(LstmSpec(input_size=5, state_size=4, steps=2, seed=11))
    graph = read_graph(data, name="lstm")
    calls = lower_graph(graph)
    generate_sources(graph, pipeline.plan(graph, calls), calls).write(tmp_path)
    fw = build_bench_host(tmp_path, tmp_path / "bench_lstm")
    samples = make_samples(graph, 6, seed=2)
    with running(fw) as (_proc, port):
        client = client_for(port)
        for _ in range(2):
            result = run_session(client, data, graph, samples, TflmOracle(data))
            assert result.outputs_match and result.n == 6, result.mismatches
    fresh, carried = TflmOracle(data), TflmOracle(data)
    for sample in samples:
        carried.run(sample)
    assert not np.array_equal(fresh.run(samples[0])[0], carried.run(samples[0])[0])  # state matters
