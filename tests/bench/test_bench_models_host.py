"""Several models in one bench firmware, built for the host (ASan + UBSan): READY lists every
model, each command addresses one by index, and the client benches each against its own
tflite-micro; models built to run concurrently are checked with all their inputs written first."""
from __future__ import annotations

import numpy as np
import pytest

from hostfw import build_bench_host, running
from mcugen.bench import protocol as P
from mcugen.bench.client import BenchClient
from mcugen.bench.link import connect_socket
from mcugen.bench.session import SessionModel, make_samples, run_session, run_sessions
from mcugen.errors import DeviceError

MODELS = {"hello": "hello_world/hello_world_int8.tflite",
          "keyword": "breadth/keyword_scrambled_8bit.tflite"}  # SVDF: its own persistent state


@pytest.fixture(scope="module")
def pair(models_dir):
    from mcugen.convert.tflite_reader import read_graph

    out = []
    for name, rel in MODELS.items():
        data = (models_dir / rel).read_bytes()
        out.append((data, read_graph(data, name=name)))
    return out


def _firmware(pair, out, concurrent: bool):
    from mcugen import pipeline
    from mcugen.project.files import models_table_header

    built = pipeline.generate_models([g for _, g in pair], prefixes=list(MODELS), concurrent=concurrent)
    built.sources.write(out)
    (out / "mg_models_table.h").write_text(models_table_header(built.sources))
    return build_bench_host(out, out / "bench_models"), built


@pytest.fixture(scope="module")
def sequential_fw(pair, tmp_path_factory):
    return _firmware(pair, tmp_path_factory.mktemp("models_seq"), concurrent=False)


@pytest.fixture(scope="module")
def concurrent_fw(pair, tmp_path_factory):
    return _firmware(pair, tmp_path_factory.mktemp("models_conc"), concurrent=True)


def client_for(port: int) -> BenchClient:
    return BenchClient(connect_socket(port), timeout=3.0, run_timeout=30.0)


def _sessions(pair, n: int) -> list[SessionModel]:
    from mcugen.bench.api import layer_macs
    from mcugen.oracle import TflmOracle

    return [SessionModel(data, graph, make_samples(graph, n, seed=k), TflmOracle(data), layer_macs(graph))
            for k, (data, graph) in enumerate(pair)]


@pytest.mark.parametrize("which", ["sequential", "concurrent"])
def test_every_model_is_bit_exact_with_its_own_oracle(which, pair, sequential_fw, concurrent_fw):
    exe, built = sequential_fw if which == "sequential" else concurrent_fw
    with running(exe) as (_proc, port):
        client = client_for(port)
        ready = client.wait_ready()
        assert [m.name for m in ready.models] == list(MODELS) and ready.concurrent == (which == "concurrent")
        assert ready.arena_bytes == built.plan.size
        for info, (data, graph), lib in zip(ready.models, pair, built.libraries):
            assert graph.sha256.startswith(info.model_sha256_prefix)
            assert info.input_bytes == tuple(graph.tensor(t).nbytes for t in graph.inputs)
            assert info.num_layers == len(lib.calls)
        # 12 frames of the recurrent model, interleaved with the other: its state is its own
        results = run_sessions(client, _sessions(pair, 12))
    assert [r.model_index for r in results] == [0, 1]
    for result, lib in zip(results, built.libraries):
        assert result.outputs_match and result.n == 12, result.mismatches
        assert result.layer_names == tuple(c.kind for c in lib.calls)
        assert result.firmware_models == tuple(MODELS) and result.to_json()["prefix"] == result.model


def test_sharing_the_arena_is_what_makes_sequential_use_exact(pair, sequential_fw):
    """Sequential models share their arena: writing both inputs before running either (what a
    concurrent build allows) clobbers one of them on this firmware, so the check can fail."""
    exe, built = sequential_fw
    assert built.plan.size == max(int(p.size) for p in built.plan.plans) < built.plan.separate_size
    (hello, hello_graph), (kw, kw_graph) = pair
    x = make_samples(hello_graph, 1, seed=4)[0]
    y = make_samples(kw_graph, 1, seed=5)[0]
    with running(exe) as (_proc, port):
        client = client_for(port)
        client.wait_ready()
        client.load_input(0, x[0].tobytes(), model=0)
        client.load_input(0, y[0].tobytes(), model=1)
        client.run(0)
        client.run(1)
        # model 0's output bytes now hold model 1's intermediate values or output
        got = client.read_output(0, hello_graph.tensor(hello_graph.outputs[0]).nbytes, model=0)
    from mcugen.oracle import TflmOracle

    want = TflmOracle(hello).run(x)[0].tobytes()
    assert got != want


def test_one_model_of_the_firmware_alone(pair, sequential_fw):
    from mcugen.oracle import TflmOracle

    exe, _ = sequential_fw
    data, graph = pair[1]
    with running(exe) as (_proc, port):
        result = run_session(client_for(port), data, graph, make_samples(graph, 3), TflmOracle(data))
    assert result.outputs_match and result.model_index == 1


@pytest.mark.parametrize("msg, payload", [
    (P.Msg.LOAD_INPUT, P.load_input_payload(0, 0, b"\x00", model=2)),
    (P.Msg.RUN, P.model_payload(2)),
    (P.Msg.READ_OUTPUT, P.read_output_payload(0, 0, 1, model=2)),
    (P.Msg.READ_LAYERS, P.read_layers_payload(0, 1, model=2)),
    (P.Msg.READ_NAMES, P.read_names_payload(0, model=2)),
    (P.Msg.RESET_STATE, P.model_payload(2)),
    (P.Msg.RUN, b""),  # no model index at all
])
def test_a_bad_model_index_is_refused(msg, payload, sequential_fw):
    exe, _ = sequential_fw
    with running(exe) as (_proc, port):
        client = client_for(port)
        client.wait_ready()
        with pytest.raises(DeviceError, match=f"BAD_ARGUMENT on {msg.name}: bad model index"):
            client._request(msg, payload)
        client.run(0)  # still serving


def test_layer_ticks_are_of_the_last_run(pair, sequential_fw):
    exe, built = sequential_fw
    with running(exe) as (_proc, port):
        client = client_for(port)
        client.wait_ready()
        assert client.read_layers(3, model=0) == (0, 0, 0)  # nothing ran yet
        client.run(1)
        assert len(client.read_layers(len(built.libraries[1].calls), model=1)) == len(built.libraries[1].calls)
        with pytest.raises(DeviceError, match="the last RUN was of another model"):
            client.read_layers(1, model=0)
        with pytest.raises(DeviceError, match="bad input index"):
            client.load_input(1, b"\x00", model=0)  # hello has one input
        assert client.read_names(3, model=0) == ("FULLY_CONNECTED",) * 3


def test_a_firmware_without_the_model_is_refused(models_dir, sequential_fw):
    from mcugen.convert.tflite_reader import read_graph

    exe, _ = sequential_fw
    other = (models_dir / "ad" / "ad01_int8.tflite").read_bytes()
    with running(exe) as (_proc, port):
        with pytest.raises(DeviceError, match="runs a different model"):
            run_session(client_for(port), other, read_graph(other, name="ad01"), [], oracle=None)


def test_samples_per_model_may_differ(pair, sequential_fw):
    exe, _ = sequential_fw
    sessions = _sessions(pair, 2)
    sessions[1] = SessionModel(sessions[1].model, sessions[1].graph, make_samples(sessions[1].graph, 5),
                               sessions[1].oracle)
    with running(exe) as (_proc, port):
        results = run_sessions(client_for(port), sessions)
    assert [r.n for r in results] == [2, 5] and all(r.outputs_match for r in results)
    assert np.all(np.asarray(results[1].totals) > 0)
