"""The `mve` kernel variant (Cortex-M55 and other Armv8.1-M cores with MVE, "Helium"): rewrites of
portable `KernelCall`s into the MVE kernels (firmware/kernels/<op>_mve_s8.c), used by
`mcugen.ops.variants.specialise`.

  CONV_2D            conv_2d_mve (groups of one; a 1x1 unpadded filter reads its input in
                     place, others gather windows): 4 output channels per pass, VMLADAVA over 16 taps
  DEPTHWISE_CONV_2D  depthwise_conv_2d_mve (depth multiplier 1, <= 32 taps): 8 channels per pass
  FULLY_CONNECTED    fully_connected_mve (symmetric weights): 4 channels per pass
  ADD                add_mve (same shapes)
  AVERAGE_POOL_2D    average_pool_2d_mve (<= 256 taps), MAX_POOL_2D max_pool_2d_mve

As for the dsp variant, everything a kernel wants precomputed is computed here: the input offset
folded into the bias, per-channel constants laid out in the order the vector lanes take them,
and a per-layer `lean` flag where every shift is a right shift (mg_mve.h explains the
requantization and why it equals TFLM's for multipliers >= 0, which is required throughout).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from mcugen.ir import Graph
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, ScratchRef
from mcugen.ops.variants import WINDOW, copied, round_up
from mcugen.ops.dense import folded_dense

DW_MAX_TAPS = 32  # MG_DW_MVE_MAX_TAPS


def _multipliers_ok(call: KernelCall) -> bool:
    # the sign fix of the rounding shift reads the accumulator's sign: multipliers >= 0 (mg_mve.h)
    return all(m >= 0 for m in call.const("multiplier"))


def lean_shifts(shifts) -> bool:
    """Whether every shift is a right shift: then the vector kernels take mg_mve_requantize_lean."""
    return all(int(s) <= -1 for s in shifts)


def lanes_layout(values: np.ndarray, group: int, order: tuple[int, ...]) -> np.ndarray:
    """Per-channel values [channels, ...] zero-padded to whole groups of `group` channels, each group's
    channels in `order` (e.g. even then odd), flattened."""
    channels = values.shape[0]
    out = np.zeros((round_up(channels, group), *values.shape[1:]), values.dtype)
    out[:channels] = values
    return out.reshape(-1, group, *values.shape[1:])[:, list(order)].reshape(-1)


# ---- CONV_2D ------------------------------------------------------------------------------------

def group_weights(rows: np.ndarray) -> np.ndarray:
    """int8 [channels, taps] -> the MVE conv layout: taps zero-padded to chunks of 16, channels to
    groups of 4, then [group][chunk][4 channels][16] (conv_2d_mve_s8.h: one pointer walks a group)."""
    channels, taps = rows.shape
    grid = np.zeros((round_up(channels, 4), round_up(taps, 16)), np.int8)
    grid[:channels, :taps] = rows
    return grid.reshape(-1, 4, grid.shape[1] // 16, 16).transpose(0, 2, 1, 3).reshape(-1)


def group_constants(bias, multipliers, shifts) -> ConstArray:
    """"quant": per group of 4 channels 9 int32 words, their biases, their multipliers and a word
    holding their 4 shifts as bytes (little-endian, as VLDRB reads them); zeros for missing channels."""
    four = [lanes_layout(np.asarray(v, np.int64), 4, (0, 1, 2, 3)).reshape(-1, 4) for v in (bias, multipliers)]
    shift_bytes = lanes_layout(np.asarray(shifts, np.int64), 4, (0, 1, 2, 3)).astype(np.int8).reshape(-1, 4)
    shift_words = shift_bytes.view("<i4").astype(np.int64)
    words = np.concatenate([four[0], four[1], shift_words], axis=1)
    return ConstArray("quant", "int32_t", tuple(int(v) for v in words.reshape(-1)))


def conv_2d_mve(graph: Graph, call: KernelCall) -> KernelCall | None:
    """CONV_2D with one group -> conv_2d_mve: weights in groups of 4 channels (group_weights); a
    1x1 unpadded filter reads its columns in place (`direct`), any other gathers its windows."""
    p = dict(call.params)
    if p["filter_in_c"] != p["in_c"] or not _multipliers_ok(call):
        return None
    out_c = p["out_c"]
    filt = graph.tensor(p["filter"].tensor_id).array().reshape(out_c, -1)
    shifts = call.const("shift")
    direct = p["filter_h"] == p["filter_w"] == 1 and p["pad_top"] == p["pad_left"] == 0
    params = (*copied(p, "batches", "in_h", "in_w", "in_c", "out_h", "out_w", "out_c", *WINDOW),
              ("pad_value", -p["input_offset"]), ("direct", int(direct)),
              *copied(p, "output_offset", "act_min", "act_max"), ("lean", int(lean_shifts(shifts))),
              ("filter", ConstRef("filter")), ("quant", ConstRef("quant")), ("scratch", ScratchRef()))
    consts = (ConstArray("filter", "int8_t", tuple(int(v) for v in group_weights(filt))),
              group_constants(call.const("bias_folded"), call.const("multiplier"), shifts))
    # an output row, then the window's bytes
    window = 0 if direct else p["filter_h"] * p["filter_w"] * p["in_c"]
    return replace(call, kernel="conv_2d_mve", params=params, consts=consts,
                   scratch_bytes=p["out_w"] * out_c + window)


# ---- DEPTHWISE_CONV_2D --------------------------------------------------------------------------

EVEN_ODD = (0, 2, 4, 6, 1, 3, 5, 7)  # VMULLB takes the even int16 lanes, VMULLT the odd ones


def depthwise_conv_2d_mve(graph: Graph, call: KernelCall) -> KernelCall | None:
    """DEPTHWISE_CONV_2D, depth multiplier 1, <= 32 taps -> depthwise_conv_2d_mve: weights as
    [group of 8 channels][tap][8], constants per group even channels first (EVEN_ODD)."""
    p = dict(call.params)
    channels, taps = p["out_c"], p["filter_h"] * p["filter_w"]
    if p["depth_multiplier"] != 1 or taps > DW_MAX_TAPS or not _multipliers_ok(call):
        return None
    filt = graph.tensor(p["filter"].tensor_id).array().reshape(taps, channels)
    groups = round_up(channels, 8) // 8
    weights = np.zeros((taps, groups * 8), np.int8)
    weights[:, :channels] = filt
    weights = weights.reshape(taps, groups, 8).transpose(1, 0, 2).reshape(-1)
    shifts = np.array(call.const("shift"), np.int64)
    lean = lean_shifts(shifts)
    bias = lanes_layout(np.array(call.const("bias_folded"), np.int64), 8, EVEN_ODD).reshape(-1, 2, 4)
    mult = lanes_layout(np.array(call.const("multiplier"), np.int64), 8, EVEN_ODD).reshape(-1, 2, 4)
    quant = np.concatenate([bias, mult], axis=1).reshape(-1)  # per group: bias even, odd; mult even, odd
    shift = lanes_layout(shifts, 8, EVEN_ODD)
    params = (*copied(p, "batches", "in_h", "in_w"), ("channels", channels), *copied(p, "out_h", "out_w", *WINDOW),
              ("pad_value", -p["input_offset"]), *copied(p, "output_offset", "act_min", "act_max"),
              ("lean", int(lean)), ("filter", ConstRef("filter")), ("quant", ConstRef("quant")),
              ("shift", ConstRef("shift")), ("scratch", ScratchRef()))
    consts = (ConstArray("filter", "int8_t", tuple(int(v) for v in weights)),
              ConstArray("quant", "int32_t", tuple(int(v) for v in quant)),
              ConstArray("shift", "int8_t", tuple(int(v) for v in shift)))
    # a row of the zero point for taps outside the image, then the output row
    return replace(call, kernel="depthwise_conv_2d_mve", params=params, consts=consts,
                   scratch_bytes=channels + p["out_w"] * channels)


# ---- FULLY_CONNECTED ----------------------------------------------------------------------------

def fully_connected_mve(graph: Graph, call: KernelCall) -> KernelCall | None:
    """FULLY_CONNECTED with symmetric weights -> fully_connected_mve; the input offset folded into
    the bias, constants per group of 4 channels (group_constants)."""
    p = dict(call.params)
    if p["filter_offset"] != 0 or not _multipliers_ok(call):
        return None
    _filt, folded, mults, shifts = folded_dense(graph, call)
    params = (*copied(p, "batches", "accum_depth", "output_depth", "output_offset", "act_min", "act_max"),
              ("lean", int(lean_shifts(shifts))), ("filter", p["filter"]), ("quant", ConstRef("quant")))
    return replace(call, kernel="fully_connected_mve", params=params, consts=(group_constants(folded, mults, shifts),))


# ---- ADD ----------------------------------------------------------------------------------------

def add_mve(graph: Graph, call: KernelCall) -> KernelCall | None:
    """Same-shape ADD -> add_mve, when every rescaling step is a right shift (or none) by a
    multiplier >= 0 and the shifted inputs stay in int32 (|x + offset| <= 255)."""
    p = dict(call.params)
    walk = {c.name: c.values for c in call.consts}
    same_shape = p["rank"] == 1 and walk["stride1"] == walk["stride2"] == (1,)
    steps = [(p[f"{s}_multiplier"], p[f"{s}_shift"]) for s in ("input1", "input2", "output")]
    if not same_shape or any(m < 0 or s > 0 for m, s in steps) or 255 << p["left_shift"] >= 1 << 31:
        return None
    ls = p["left_shift"]
    params = (("size", walk["dims"][0]), ("input1_base", p["input1_offset"] << ls),
              ("input2_base", p["input2_offset"] << ls), ("left_scale", 1 << ls),
              *((name, step) for name, step in zip(("input1", "input2", "output"), steps)),
              *copied(p, "output_offset", "act_min", "act_max"))
    return replace(call, kernel="add_mve", params=params, consts=())


# ---- pooling ------------------------------------------------------------------------------------

def average_pool_2d_mve(graph: Graph, call: KernelCall) -> KernelCall | None:
    """AVERAGE_POOL_2D with windows of <= 256 taps (int16 lane sums); the portable parameters."""
    p = dict(call.params)
    return replace(call, kernel="average_pool_2d_mve") if p["filter_h"] * p["filter_w"] <= 256 else None


def max_pool_2d_mve(graph: Graph, call: KernelCall) -> KernelCall | None:
    return replace(call, kernel="max_pool_2d_mve")


MVE: dict[str, Callable[[Graph, KernelCall], KernelCall | None]] = {
    "conv_2d": conv_2d_mve,
    "depthwise_conv_2d": depthwise_conv_2d_mve,
    "fully_connected": fully_connected_mve,
    "add": add_mve,
    "average_pool_2d": average_pool_2d_mve,
    "max_pool_2d": max_pool_2d_mve,
}
