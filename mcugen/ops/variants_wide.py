"""int16 weights for the lean DSP CONV_2D kernels (mcugen/ops/variants_mm.py) where the arena has
room for them: the int16 walks load a group's taps of both channels with one LDM instead of LDRD
and four SXTB16 (16 instructions per 24 MACs instead of 20), once the weights are widened into
scratch (mg_mm_widen_stream, about 7 instructions per channel pair and group).

A pointwise layer whose whole input fits widened goes to conv_2d_1x1_x16_dsp (the input widened
once, then a block of channel pairs' weights at a time, every output written straight to `out`);
any other lean CONV_2D (pointwise, first-layer or im2col) whose widened stream fits gets it once
per call (the kernel's `widen`). "Fits": the step's load of the arena (live tensors plus scratch)
stays below HEADROOM of the largest step's, so the arena keeps its size. The loads come from the
arena planner, handed in by the pipeline (`step_loads`), not imported here. Flash is a target too:
an output stage's layers go to int16 only together, where what they save pays for the code.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable, Mapping

from mcugen.ir import Graph
from mcugen.ops.base import FunctionRef, KernelCall
from mcugen.ops.variants_mm import conv_scratch, round_up

StepLoads = Callable[[Mapping[int, int]], list[int]]  # scratch bytes per op index -> load per step

ARENA_ALIGN = 16  # the boards' arena alignment: scratch and tensors round up to it
HEADROOM = 0.85  # fraction of the arena's lower bound a widened layer may load its step to
X16_MAX_BLOCK = 1 << 30  # channel pairs widened at a time, at most (tests lower it)
GROUP_SAVING = 4  # instructions an int16 walk saves per channel pair, group and pixel triple
WIDEN_COST = 7  # instructions mg_mm_widen_stream takes per channel pair and group
# Code (Cortex-M4, -O2 bytes): an output stage's int16 walk, mg_mm_widen_stream and
# conv_2d_1x1_x16_dsp come in, the int8 walk goes where no layer of that stage needs it any more.
WALK16_BYTES, WALK8_BYTES, WIDEN_BYTES, X16_BYTES = 620, 700, 160, 680
CODE_GAIN = 200  # instructions per inference a byte of flash must save (the models are flash-bound too)

KERNELS = ("conv_2d_1x1_dsp", "conv_2d_rgb_dsp", "conv_2d_im2col_dsp")


def x16_scratch(in_c: int, out_c: int, pixels: int, block: int) -> int:
    """mg_conv_2d_1x1_x16_dsp_s8_scratch_bytes."""
    groups = in_c // 4
    return (pixels + 2) // 3 * (24 * groups + 8) + block * (16 + 16 * groups) + (3 * out_c if pixels % 3 else 0)


def widen_weights(graph: Graph, calls: list[KernelCall], step_loads: StepLoads) -> list[KernelCall]:
    """The lean CONV_2D calls rewritten to int16 weights where the arena has room and, per output
    stage (ReLU-type or with the sign fix), the instructions saved pay for the code added
    (CODE_GAIN per byte)."""
    loads = step_loads({c.op_index: c.scratch_bytes for c in calls if c.scratch_bytes})
    cap = int(HEADROOM * max(loads, default=0))
    wide = {i: _widened(call, cap - (loads[call.op_index] - round_up(call.scratch_bytes, ARENA_ALIGN)))
            for i, call in enumerate(calls) if call.kernel in KERNELS}
    chosen = {i: w for i, w in wide.items() if w is not None}
    for mode in ("relu", "fix"):
        layers = [i for i in wide if dict(calls[i].params)["walk"].name.endswith(mode)]
        mine = [i for i in layers if i in chosen]
        code = (WALK16_BYTES + WIDEN_BYTES - (WALK8_BYTES if len(mine) == len(layers) else 0)
                + (X16_BYTES if any(chosen[i][0].kernel == "conv_2d_1x1_x16_dsp" for i in mine) else 0))
        if sum(chosen[i][1] for i in mine) < CODE_GAIN * code:
            for i in mine:
                del chosen[i]
    return [chosen[i][0] if i in chosen else call for i, call in enumerate(calls)]


def _widened(call: KernelCall, room: int) -> tuple[KernelCall, int] | None:
    """The call on int16 weights and the instructions that saves, or None (no gain, no room)."""
    p = dict(call.params)
    pixels, groups, pairs = p["out_h"] * p["out_w"], p["groups"], (p["out_c"] + 1) // 2
    gain = pairs * groups * (GROUP_SAVING * (pixels + 2) // 3 - WIDEN_COST) * p["batches"]
    if gain <= 0:
        return None
    walk = ("walk", FunctionRef(p["walk"].name.replace("walk3", "walk3w")))
    block = min(pairs, X16_MAX_BLOCK, (room - x16_scratch(p["in_c"], p["out_c"], pixels, 0)) // (16 + 16 * groups))
    if (call.kernel == "conv_2d_1x1_dsp" and p["in_c"] % 8 == 0 and p["out_c"] % 2 == 0
            and block >= min(pairs, 4, X16_MAX_BLOCK)):
        # no staging copy and no gather per triple: preferred where the input fits
        params = (*((name, p[name]) for name in ("batches", "in_h", "in_w", "in_c", "out_h", "out_w",
                                                 "out_c", "stride_h", "stride_w", "groups")),
                  ("block", block), ("k", p["k"]), walk,
                  ("stream", p["stream"]), ("shifts", p["shifts"]), ("scratch", p["scratch"]))
        return replace(call, kernel="conv_2d_1x1_x16_dsp", params=params,
                       scratch_bytes=x16_scratch(p["in_c"], p["out_c"], pixels, block)), gain
    scratch = conv_scratch(call.kernel, groups, p["in_c"], p["out_w"], p["out_c"], widen=True)
    if round_up(scratch, ARENA_ALIGN) > room:
        return None
    widen = ("widen", FunctionRef("mg_mm_widen_stream"))
    params = tuple(walk if name == "walk" else widen if name == "widen" else (name, v) for name, v in call.params)
    return replace(call, params=params, scratch_bytes=scratch), gain
