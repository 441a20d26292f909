"""DEPTHWISE_CONV_2D's row-walking DSP kernel (firmware/kernels/depthwise_conv_2d_rows_dsp_s8.c):
the dsp / rv32 variants' choice for depth multiplier 1, channels % 4 == 0, up to 25 taps, when the output stage can be the lean one with the output zero point
folded into its rounding term and the activation range is all of int8.

Everything the kernel wants is laid out here: the weights per group of 4 channels, tap by tap,
the per-channel {folded bias, multiplier} and right shifts, and the output pixels whose filter
columns lie inside the image (the kernel's loop without edge handling).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from mcugen.ir import Graph
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, NullRef, ScratchRef

MAX_TAPS = 25  # MG_DW_ROWS_MAX_TAPS
# The kernel sets a row up once (table, strip): on rows of one or two output pixels that costs
# more than it saves. A (3, 1) filter over 58 rows of 12 channels: out_w 1: 56.1 k instructions
# against 35.7 k for the general kernel, 2: 69.5 k / 67.8 k, 3: 82.9 k / 99.9 k.
MIN_OUT_W = 3


def group_weights(filt: np.ndarray) -> np.ndarray:
    """int8 [filter_h, filter_w, channels] (channels % 4 == 0) -> [channels / 4][filter_w][filter_h][4]:
    per group the taps column by column, as the kernel's table walks them."""
    fh, fw, channels = filt.shape
    return filt.reshape(fh, fw, channels // 4, 4).transpose(2, 1, 0, 3).reshape(-1)


def output_stage_fits(multiplier: tuple[int, ...], shift: tuple[int, ...], output_offset: int, bound: int) -> bool:
    """The kernel's output stage is exact: multipliers >= 0, every shift a right shift s of 1 .. 30
    and the rounding term 2^(s-1) + output_offset * 2^s plus |accumulator| + 1 (what SMMLAR adds it
    to) inside int32, |accumulator| <= bound below 2^30 (SMMLAR doubles it)."""
    if bound >= 1 << 30 or any(m < 0 for m in multiplier) or any(not 1 <= -s <= 30 for s in shift):
        return False
    return all(abs((1 << (-s - 1)) + output_offset * (1 << -s)) + bound + 1 < 1 << 31 for s in shift)


def walked_columns(p: dict, ox: int) -> tuple[int, int]:
    """The filter columns [fx_lo, fx_hi) of output pixel `ox` that lie inside the image."""
    inside = [fx for fx in range(p["filter_w"])
              if 0 <= ox * p["stride_w"] - p["pad_left"] + fx * p["dilation_w"] < p["in_w"]]
    return (inside[0], inside[-1] + 1) if inside else (0, 0)


def every_row_walks(p: dict) -> bool:
    """Every output row has a filter row inside the image (a dilated filter can straddle it; the
    kernel refuses such a row)."""
    return all(any(0 <= oy * p["stride_h"] - p["pad_top"] + fy * p["dilation_h"] < p["in_h"]
                   for fy in range(p["filter_h"])) for oy in range(p["out_h"]))


def interior_columns(p: dict) -> tuple[int, int]:
    """The output pixels [ox_lo, ox_hi) whose filter columns all lie inside the image."""
    inside = [ox for ox in range(p["out_w"]) if walked_columns(p, ox) == (0, p["filter_w"])]
    return (inside[0], inside[-1] + 1) if inside else (0, 0)


def depthwise_conv_2d_rows(graph: Graph, call: KernelCall, consts: dict[str, tuple[int, ...]],
                           bound: int) -> KernelCall | None:
    """The rows kernel's call for a portable DEPTHWISE_CONV_2D `call` (consts: its per-channel
    bias_folded, multiplier, shift; bound: the largest |accumulator|), or None when it does not fit."""
    p = dict(call.params)
    channels, taps = p["out_c"], p["filter_h"] * p["filter_w"]
    multiplier, shift = consts["multiplier"], consts["shift"]
    if len(multiplier) == 1:  # per-tensor: the same for every channel
        multiplier, shift = multiplier * channels, shift * channels
    if (p["depth_multiplier"] != 1 or channels % 4 or taps > MAX_TAPS or p["out_w"] < MIN_OUT_W
            or (p["act_min"], p["act_max"]) != (-128, 127)  # one SSAT is the whole clamp
            or not every_row_walks(p)
            or not output_stage_fits(multiplier, shift, p["output_offset"], bound)):
        return None
    filt = graph.tensor(p["filter"].tensor_id).array().reshape(p["filter_h"], p["filter_w"], channels)
    ox_lo, ox_hi = interior_columns(p)
    edges = tuple(v for ox in range(p["out_w"]) if not ox_lo <= ox < ox_hi for v in (*walked_columns(p, ox), ox))
    params = (*((name, p[name]) for name in ("batches", "in_h", "in_w")), ("channels", channels),
              *((name, p[name]) for name in ("out_h", "out_w", "filter_h", "filter_w", "stride_h", "stride_w",
                                             "dilation_h", "dilation_w", "pad_top", "pad_left")),
              ("ox_lo", ox_lo), ("ox_hi", ox_hi), ("pad_value", -p["input_offset"]),
              ("round_unit", 1 + 2 * p["output_offset"]), ("filter", ConstRef("filter")),
              ("quant", ConstRef("quant")), ("shift", ConstRef("shift")),
              ("edges", ConstRef("edges") if edges else NullRef()), ("scratch", ScratchRef()))
    quant = tuple(v for b, m in zip(consts["bias_folded"], multiplier) for v in (b, m))
    arrays = (ConstArray("filter", "int8_t", tuple(int(v) for v in group_weights(filt))),
              ConstArray("quant", "int32_t", quant), ConstArray("shift", "int8_t", tuple(-s for s in shift)),
              *((ConstArray("edges", "int16_t", edges),) if edges else ()))
    # one output row, a row of the zero point, the table (12 bytes a tap), the edge pixels' offsets
    scratch = p["out_w"] * channels + channels + (12 + 4 * (len(edges) // 3)) * taps
    return replace(call, kernel="depthwise_conv_2d_rows_dsp", params=params, consts=arrays, scratch_bytes=scratch)
