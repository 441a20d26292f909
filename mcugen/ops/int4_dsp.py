"""The dsp kernel variant for INT4 weights: `conv_2d_dsp_s4`, `depthwise_conv_2d_dsp_s4` and
`fully_connected_dsp_s4` (firmware/include/mg_dsp_s4.h), the weights kept packed in flash.

Each rewrite makes the int8 dsp call first (mcugen/ops/variants.py: same shape conditions, scratch,
folded bias, lean output stage, from the unpacked int4 values) and swaps its weights for a nibble
layout the kernel unpacks with one instruction per two taps:

  CONV_2D, FULLY_CONNECTED: the weights offset by 8 (u = w + 8, 0..15), per channel pair and per 8
      taps one word of each channel, slot k (0..3) holding the two taps that meet the k-th int16
      column word in bits 4k and 16 + 4k: `(word >> 4k) & 0x000F000F` is an SMLAD operand. The
      kernel starts from bias - 8 * (sum of the column) to undo the offset.
  DEPTHWISE_CONV_2D: the int8 kernel's tap pairs, 4 channels to a word, each weight as a signed
      nibble in the top of a halfword: `(word << 4i) & 0xF000F000` is channel i's tap pair times
      4096; the sum is shifted back by 12 (exact: at most 32 taps, far from overflow).
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from mcugen.ir import Graph
from mcugen.ops.base import ConstArray, KernelCall
from mcugen.ops.variants import (DW_MAX_TAPS, conv_2d_dsp, depthwise_conv_2d_dsp, fully_connected_dsp,
                                 round_up)

TURN = 8  # taps per inner-loop turn of the conv/dense kernels (one weight word per channel)
# |bias - 8 * sum(x) + partial sums of u * x| stays below this in C (int8 x, u <= 15)
_INT32_HEADROOM = 1 << 31


def _as_bytes(words: np.ndarray) -> tuple[int, ...]:
    """uint32 words -> their little-endian bytes as int8 values (the params' `const int8_t *filter`)."""
    return tuple(int(v) for v in words.astype("<u4").view(np.int8))


def offset_nibble_words(rows: np.ndarray) -> np.ndarray:
    """int4 values [channels, taps] -> the conv/dense layout: channels padded to an even count and
    taps to a multiple of 8 with zero weights, then [channel pair][taps / 8][2 channels] uint32
    words, slot k holding u = w + 8 of taps 4 * (k // 2) + k % 2 (bits 4k) and that + 2 (bits
    16 + 4k) of the 8: the k-th column word's taps in sxtb16 order."""
    channels, taps = rows.shape
    padded = np.zeros((round_up(channels, 2), round_up(taps, TURN)), np.int64)
    padded[:channels, :taps] = rows
    u = (padded + 8).reshape(padded.shape[0], -1, TURN)  # [channel][turn][tap]
    words = np.zeros(u.shape[:2], np.int64)
    for k in range(4):
        lo = 4 * (k // 2) + k % 2
        words |= (u[:, :, lo] << (4 * k)) | (u[:, :, lo + 2] << (16 + 4 * k))
    turns = words.shape[1]
    return words.reshape(-1, 2, turns).transpose(0, 2, 1).reshape(-1).astype(np.uint32)


def dw_nibble_words(taps: np.ndarray) -> np.ndarray:
    """int4 values [taps, channels] (channels % 4 == 0) -> the depthwise layout: a zero tap appended
    when the count is odd, then [channels / 4][taps / 2] uint32 words, channel c + i of the group
    as signed nibbles at bits 12 - 4i (the pair's first tap) and 28 - 4i (its second)."""
    n, channels = taps.shape
    padded = np.zeros((round_up(n, 2), channels), np.int64)
    padded[:n] = taps
    nib = (padded & 0xF).reshape(-1, 2, channels // 4, 4)  # [tap pair][tap in pair][group][channel]
    words = np.zeros((channels // 4, nib.shape[0]), np.int64)
    for i in range(4):
        words |= (nib[:, 0, :, i].T << (12 - 4 * i)) | (nib[:, 1, :, i].T << (28 - 4 * i))
    return words.reshape(-1).astype(np.uint32)


def _with_filter(fast: KernelCall, words: np.ndarray) -> KernelCall:
    consts = tuple(ConstArray("filter", "int8_t", _as_bytes(words)) if c.name == "filter" else c
                   for c in fast.consts)
    return replace(fast, consts=consts)


def _offset_sums_fit(fast: KernelCall, taps: int) -> bool:
    """The offset accumulator stays an int32 in the kernels' C form (host, RV32): from the folded
    bias minus 8 * the tap sum, each tap adds at most 15 * 128."""
    quant = next(c.values for c in fast.consts if c.name == "quant")
    bias = max(abs(int(v)) for v in quant[0::2])
    return bias + (8 * 128 + 15 * 128) * taps < _INT32_HEADROOM


def _offset_layout(fast: KernelCall | None, graph: Graph, call: KernelCall, channels: str) -> KernelCall | None:
    """The int8 dsp call `fast` with the offset nibble layout of `call`'s filter (`channels`: the
    params field counting its rows), or None where the int8 variant or the int32 headroom says no."""
    if fast is None:
        return None
    p = dict(call.params)
    rows = graph.tensor(p["filter"].tensor_id).array().reshape(p[channels], -1)
    if not _offset_sums_fit(fast, rows.shape[1]):
        return None
    return _with_filter(fast, offset_nibble_words(rows))


def conv_2d_dsp_s4(graph: Graph, call: KernelCall) -> KernelCall | None:
    return _offset_layout(conv_2d_dsp(graph, call), graph, call, "out_c")


def fully_connected_dsp_s4(graph: Graph, call: KernelCall) -> KernelCall | None:
    return _offset_layout(fully_connected_dsp(graph, call), graph, call, "output_depth")


def depthwise_conv_2d_dsp_s4(graph: Graph, call: KernelCall) -> KernelCall | None:
    fast = depthwise_conv_2d_dsp(graph, call, rows_kernel=False)  # the int4 walk is the general kernel's
    if fast is None:
        return None
    p = dict(call.params)
    taps = p["filter_h"] * p["filter_w"]
    assert taps <= DW_MAX_TAPS  # 4096 * 32 taps * 8 * 128 < 2^31: the scaled sum never overflows
    filt = graph.tensor(p["filter"].tensor_id).array().reshape(taps, p["out_c"])
    return _with_filter(fast, dw_nibble_words(filt))


DSP_S4 = {
    "conv_2d": conv_2d_dsp_s4,
    "depthwise_conv_2d": depthwise_conv_2d_dsp_s4,
    "fully_connected": fully_connected_dsp_s4,
}
