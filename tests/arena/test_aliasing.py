"""Lifetimes and the aliasing rules, checked against a byte-level simulation of the kernels."""
from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given, settings, strategies as st

from mcugen import ir
from mcugen.arena import aliasing, plan_arena
from mcugen.arena.lifetimes import build_problem, tensor_lifetimes
from mcugen.arena.verify import verify_plan
from mcugen.errors import ArenaError

Q = ir.Quant((0.1,), (0,))


def _graph(tensors: list[tuple[tuple[int, ...], bool]], ops: list[tuple[str, tuple, tuple, dict]],
           inputs: tuple[int, ...], outputs: tuple[int, ...]) -> ir.Graph:
    ts = tuple(ir.Tensor(i, f"t{i}", shape, "INT8", Q, bytes(_count(shape)) if const else None)
               for i, (shape, const) in enumerate(tensors))
    return ir.Graph(ts, tuple(ir.Op(i, kind, 1, ins, outs, opts) for i, (kind, ins, outs, opts)
                              in enumerate(ops)), inputs, outputs)


def _count(shape):
    n = 1
    for d in shape:
        n *= d
    return n


def _simulate(in_h, in_w, in_c, out_h, out_w, out_c, stride, filter_h, pad_top, dilation, shift):
    """Run the streaming contract byte by byte: True when no input byte is overwritten before its
    last read. Output row r is computed (reading its window of input rows), then copied out."""
    in_row, out_row = in_w * in_c, out_w * out_c
    base = max(0, -shift) + 8
    memory = {base + i: ("in", i) for i in range(in_h * in_row)}
    out_base = base + shift
    for r in range(out_h):
        top = r * stride - pad_top
        for row in range(max(0, top), min(in_h, top + (filter_h - 1) * dilation + 1)):
            for i in range(row * in_row, (row + 1) * in_row):
                if memory.get(base + i) != ("in", i):
                    return False
        for j in range(out_row):
            memory[out_base + r * out_row + j] = ("out", r)
    return True


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(["CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D"]),
       st.integers(1, 9), st.integers(1, 5), st.integers(1, 4), st.integers(1, 3), st.integers(1, 4),
       st.sampled_from(["SAME", "VALID"]), st.integers(1, 2), st.integers(1, 5))
def test_streaming_shift_is_the_largest_safe_one(kind, in_h, in_w, in_c, stride, filter_h, padding,
                                                 dilation, out_c):
    if kind == "DEPTHWISE_CONV_2D":
        out_c = in_c
    if kind.endswith("POOL_2D"):
        out_c, dilation = in_c, 1
    eff = (filter_h - 1) * dilation + 1
    if padding == "VALID" and eff > in_h:
        return
    out_h = -(-in_h // stride) if padding == "SAME" else (in_h - eff) // stride + 1
    out_w = -(-in_w // stride)
    if kind == "CONV_2D":
        weights = ((out_c, filter_h, 1, in_c), True)
    else:
        weights = ((1, filter_h, 1, in_c), True)
    options = {"padding": padding, "stride_h": stride, "stride_w": stride, "dilation_h_factor": dilation,
               "filter_height": filter_h}
    ins = (0,) if kind.endswith("POOL_2D") else (0, 2)
    g = _graph([((1, in_h, in_w, in_c), False), ((1, out_h, out_w, out_c), False), weights],
               [(kind, ins, (1,), options)], (0,), (1,))
    shift = aliasing.streaming_max_shift(g, g.ops[0])
    pad_top = max((out_h - 1) * stride + eff - in_h, 0) // 2 if padding == "SAME" else 0
    args = (in_h, in_w, in_c, out_h, out_w, out_c, stride, filter_h, pad_top, dilation)
    if shift == aliasing.UNLIMITED:
        assert out_h == 1
        for d in range(-out_w * out_c - 2, in_h * in_w * in_c + 2):
            assert _simulate(*args, d)
        return
    assert _simulate(*args, shift)
    assert _simulate(*args, shift - 3)
    assert not _simulate(*args, shift + 1)


def test_lifetimes_inputs_from_start_outputs_to_end():
    # t0 -> relu -> t1 -> relu -> t2 (output); t0 is also read by op 2; t3 is an unused result
    g = _graph([((1, 8), False)] * 4,
               [("RELU", (0,), (1,), {}), ("RELU", (1,), (2,), {}), ("ADD", (0, 2), (3,), {})],
               (0,), (2,))
    assert tensor_lifetimes(g) == {0: (0, 2), 1: (0, 1), 2: (1, 2), 3: (2, 2)}


def test_views_share_and_elementwise_writes_over_a_dying_input():
    # t0 -RESHAPE-> t1 -RELU-> t2 -ADD(t2, t3)-> t4; t3 is a second model input kept to the end
    g = _graph([((1, 4, 4), False), ((1, 16), False), ((1, 16), False), ((1, 16), False),
                ((1, 16), False), ((2,), True)],
               [("RESHAPE", (0, 5), (1,), {}), ("RELU", (1,), (2,), {}), ("ADD", (2, 3), (4,), {})],
               (0, 3), (4, 3))
    problem, index = build_problem(g, inplace=True)
    assert index[0] == index[1] == index[2] == index[4]  # one buffer, reused in place
    assert index[3] != index[0]  # t3 is a model output: never overwritten
    plan = plan_arena(g)
    assert plan.size == 32 and plan.lower_bound == 32
    apart = plan_arena(g, inplace=False)  # step 0 holds t0, t1 and t3 apart
    assert apart.lower_bound == 48 and apart.size == 48


def test_elementwise_never_overwrites_an_input_still_needed():
    # t0 feeds RELU (op 0) and, later, ADD (op 1): the RELU must not write over t0
    g = _graph([((1, 16), False)] * 3, [("RELU", (0,), (1,), {}), ("ADD", (0, 1), (2,), {})],
               (0,), (2,))
    plan = plan_arena(g)
    assert plan.tensor_offsets[1] != plan.tensor_offsets[0]
    assert plan.tensor_offsets[2] in (plan.tensor_offsets[0], plan.tensor_offsets[1])


def test_verifier_rejects_in_place_over_a_live_tensor():
    g = _graph([((1, 16), False)] * 3, [("RELU", (0,), (1,), {}), ("ADD", (0, 1), (2,), {})],
               (0,), (2,))
    plan = plan_arena(g)
    offsets = dict(plan.tensor_offsets)
    offsets[1] = offsets[0]
    with pytest.raises(ArenaError, match="overlaps"):
        verify_plan(g, dataclasses.replace(plan, tensor_offsets=offsets))


def test_bad_alignment_is_refused():
    g = _graph([((1, 16), False)] * 2, [("RELU", (0,), (1,), {})], (0,), (1,))
    with pytest.raises(ArenaError, match="power of two"):
        plan_arena(g, align=12)
    assert plan_arena(g, align=64).size == 64


@pytest.mark.parametrize("shift", [-16, 16])
def test_elementwise_in_place_must_be_at_the_very_same_address(shift):
    g = _graph([((1, 64), False)] * 3, [("RELU", (0,), (1,), {}), ("RELU", (1,), (2,), {})], (0,), (2,))
    plan = plan_arena(g)
    assert plan.tensor_offsets[0] == plan.tensor_offsets[1] == plan.tensor_offsets[2]
    verify_plan(g, plan)
    moved = {0: 32, 1: 32 + shift, 2: 32 + shift}
    with pytest.raises(ArenaError, match="overlaps"):
        verify_plan(g, dataclasses.replace(plan, tensor_offsets=moved, size=128))
