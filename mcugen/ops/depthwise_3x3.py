"""DEPTHWISE_CONV_2D's 3x3 DSP kernel (firmware/kernels/depthwise_conv_2d_3x3_dsp_s8.c): the dsp
variant's choice for a 3x3 filter without dilation, depth multiplier 1, channels % 4 == 0, when the
output stage can be the lean one (the output zero point folded into its rounding term, the sums
doubled) and the activation range is all of int8. Any stride and padding.

Everything the kernel wants is laid out here: per group of 4 channels and filter column, the
weights of rows 0-1 paired channel by channel for SXTB16 and row 2's word; per group the doubled
folded biases and the multipliers; the right shifts.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from mcugen.ir import Graph
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, ScratchRef
from mcugen.ops.depthwise_rows import output_stage_fits

COLUMN_BYTES = 24  # the strip's bytes per input column (6 words of int16 pairs)
TABLE_BYTES = 148  # a group's table (sizeof(dw3_table))


def group_weights(filt: np.ndarray) -> np.ndarray:
    """int8 [3, 3, channels] (channels % 4 == 0) -> [channels / 4][3 columns][3 words]: per group
    and filter column, [w0c0 w0c1 w1c0 w1c1], [w0c2 w0c3 w1c2 w1c3] (w<row>c<channel>), row 2's
    [w2c0 w2c1 w2c2 w2c3]."""
    groups = filt.shape[2] // 4
    w = filt.reshape(3, 3, groups, 2, 2)  # [row][column][group][pair][channel in pair]
    pairs = w[:2].transpose(2, 1, 3, 0, 4)  # [group][column][pair][row][channel in pair]
    row2 = w[2].reshape(3, groups, 4).transpose(1, 0, 2)  # [group][column][4]
    return np.concatenate([pairs.reshape(groups, 3, 8), row2], axis=2).reshape(-1)


def middle_row_inside(p: dict) -> bool:
    """Every output row's filter row 1 lies inside the image (the kernel reads rows 0 and 2 from it
    when they are outside; SAME and VALID padding of a 3x3 filter always do)."""
    return all(0 <= oy * p["stride_h"] - p["pad_top"] + 1 < p["in_h"] for oy in range(p["out_h"]))


def strip_plan(p: dict) -> tuple[int, int] | None:
    """(pixels per chunk, strip slots) for a row of the layer `p`: the whole row unless its strip
    would exceed twice the output row's bytes, then chunks of at least 2 pixels (the kernel
    rebuilds the columns they share). A chunked row's slots also hold the first chunk's columns
    left of the image and the last's right of it for good, so only those chunks may have them
    (else None: SAME and VALID padding never do otherwise)."""
    out_w, stride, pad_left, in_w = p["out_w"], p["stride_w"], p["pad_left"], p["in_w"]
    columns = (out_w - 1) * stride + 3
    if columns * COLUMN_BYTES <= 2 * out_w * p["out_c"]:
        return out_w, columns
    chunk = max(2, (2 * out_w * p["out_c"] // COLUMN_BYTES - 3) // stride + 1)
    if chunk >= out_w:
        return out_w, columns
    starts = range(0, out_w, chunk)
    spans = [(px * stride - pad_left, (min(px + chunk, out_w) - 1) * stride - pad_left + 3) for px in starts]
    if any(first < 0 for first, _ in spans[1:]) or any(last > in_w for _, last in spans[:-1]):
        return None
    right = max(0, spans[-1][1] - in_w)
    return chunk, pad_left + right + (chunk - 1) * stride + 3


def depthwise_conv_2d_3x3(graph: Graph, call: KernelCall, consts: dict[str, tuple[int, ...]],
                          bound: int) -> KernelCall | None:
    """The 3x3 kernel's call for a portable DEPTHWISE_CONV_2D `call` (consts: its per-channel
    bias_folded, multiplier, shift; bound: the largest |accumulator|), or None when it does not fit."""
    p = dict(call.params)
    channels = p["out_c"]
    multiplier, shift = consts["multiplier"], consts["shift"]
    if len(multiplier) == 1:  # per-tensor: the same for every channel
        multiplier, shift = multiplier * channels, shift * channels
    if (p["depth_multiplier"] != 1 or channels % 4 or (p["filter_h"], p["filter_w"]) != (3, 3)
            or (p["dilation_h"], p["dilation_w"]) != (1, 1)
            or (p["act_min"], p["act_max"]) != (-128, 127)  # one SSAT is the whole clamp
            or not middle_row_inside(p) or strip_plan(p) is None
            or not output_stage_fits(multiplier, shift, p["output_offset"], bound)):
        return None
    filt = graph.tensor(p["filter"].tensor_id).array().reshape(3, 3, channels)
    chunk, slots = strip_plan(p)
    params = (*((name, p[name]) for name in ("batches", "in_h", "in_w")), ("channels", channels),
              *((name, p[name]) for name in ("out_h", "out_w", "filter_h", "filter_w", "stride_h", "stride_w",
                                             "pad_top", "pad_left")), ("chunk", chunk), ("slots", slots), ("tables", 1),
              ("pad_value", -p["input_offset"]), ("round_unit", 1 + 2 * p["output_offset"]),
              ("filter", ConstRef("filter")), ("quant", ConstRef("quant")), ("shift", ConstRef("shift")),
              ("scratch", ScratchRef()))
    # per group: the doubled biases (|bias| < 2^30: an int32), then the multipliers
    bias, mult = np.array(consts["bias_folded"], np.int64) * 2, np.array(multiplier, np.int64)
    quant = np.stack([bias.reshape(-1, 4), mult.reshape(-1, 4)], axis=1).reshape(-1)
    arrays = (ConstArray("filter", "int8_t", tuple(int(v) for v in group_weights(filt))),
              ConstArray("quant", "int32_t", tuple(int(v) for v in quant)),
              ConstArray("shift", "int8_t", tuple(-s for s in shift)))
    # one output row, the table, the strip
    scratch = p["out_w"] * channels + TABLE_BYTES + COLUMN_BYTES * slots
    return replace(call, kernel="depthwise_conv_2d_3x3_dsp", params=params, consts=arrays, scratch_bytes=scratch)


def with_tables(call: KernelCall, room: int) -> KernelCall | None:
    """`call` keeping one table a group (built on the first row, not for every row), when its
    scratch may grow to `room` bytes (mcugen.arena.grow) and there is more than one row to reuse
    them in; else None."""
    p = dict(call.params)
    groups = p["channels"] // 4
    grown = call.scratch_bytes + (groups - 1) * TABLE_BYTES
    if p["tables"] != 1 or groups == 1 or p["out_h"] * p["batches"] < 2 or grown > room:
        return None
    return replace(call, params=tuple((k, groups if k == "tables" else v) for k, v in call.params),
                   scratch_bytes=grown)
