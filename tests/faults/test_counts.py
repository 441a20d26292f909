"""Counts that add up on every emulated board: the bench's total per inference is the sum of its
layers, give or take the counter's resolution and what the per-layer hooks themselves cost, and
the same input gives exactly the same counts every time.

(mps3_an547's SysTick counter read 0 right after each restart, before its first reload, and took
it for the last tick of a period: every total came out ~2^32 - 2^24 ticks, 133 billion
"instructions" for KWS, while its layers summed to 5.2 M.)"""
from __future__ import annotations

import pytest

from mcugen.bench.client import BenchClient
from mcugen.bench.emulate import emulate
from mcugen.bench.session import make_samples, run_session
from mcugen.boards import list_boards, load_board
from mcugen.project.api import build
from mcugen.convert.tflite_reader import read_graph

EMULATED = [b.name for b in list_boards() if b.emulated]
# Instructions outside any layer per layer boundary: the counter read of the next MG_LAYER_BEGIN,
# the store of MG_LAYER_END, the status check, the call. Measured: 8-10 with an exact counter
# (netduinoplus2, riscv32_virt); mps3_an547's SysTick read (a consistent read of the period count,
# the pending flag and the value) is about 25.
HOOK_INSTRUCTIONS = 32


def test_every_emulated_board_is_covered():
    assert {"mps2_an386", "mps2_an500", "mps3_an547", "netduinoplus2", "riscv32_virt"} <= set(EMULATED)


@pytest.mark.slow
@pytest.mark.parametrize("board_name", EMULATED)
def test_the_total_is_the_sum_of_the_layers_and_repeats_exactly(board_name, shared_models, tmp_path):
    from mcugen.oracle import TflmOracle

    model = shared_models / "hello_world" / "hello_world_int8.tflite"
    data = model.read_bytes()
    graph = read_graph(data)
    board = load_board(board_name)
    project = build(model, board_name, tmp_path / "fw").project
    one = make_samples(graph, 1, seed=7)[0]
    with emulate(board, project.elf(project.bench_env)) as emu:
        client = BenchClient(emu.link, timeout=10, run_timeout=60)
        client.wait_ready()
        result = run_session(client, data, graph, [one] * 4, TflmOracle(data))
        client.exit()
    assert result.outputs_match and result.unit == "instructions"
    assert len(set(result.totals)) == 1, result.totals  # the same input, the same count
    assert len(set(result.layer_counts)) == 1, result.layer_counts
    total, layers = result.totals[0], result.layer_counts[0]
    gaps = len(layers) + 1  # before the first layer, between layers, after the last
    res = result.resolution
    assert sum(layers) - gaps * res <= total <= sum(layers) + gaps * (res + HOOK_INSTRUCTIONS), \
        (board_name, total, layers, res)
    assert all(count > 0 for count in layers), layers
