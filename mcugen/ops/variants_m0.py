"""The `m0` kernel variant: Cortex-M0/M0+ (ARMv6-M: no DSP extension, no 64-bit multiply, eight
low registers, no LDRSB with an immediate offset). See firmware/include/mg_m0.h for the kernels'
arithmetic; this module lays out what they read.

  CONV_2D (one group) and FULLY_CONNECTED (symmetric weights, as a 1x1 convolution)
      -> mg_conv_2d_m0_s8: offset-binary bytes (v = w + 128), channel pairs interleaved tap by tap,
         taps padded to a multiple of 8 with v = 128 (w = 0);
  DEPTHWISE_CONV_2D (depth multiplier 1) -> mg_depthwise_conv_2d_m0_s8: weights as int32 words,
         [channel pair][tap][2], so each is one LDR with an immediate offset.

Every kernel requantizes with mg_m0_requantize, exact when |acc| + 2^(rs - 1) < 2^31 for each
channel's right shift rs: proved here from the weights and the bias (`requant_ok`), else the call
keeps its portable kernel.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np

from mcugen.ir import Graph
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, ScratchRef
from mcugen.ops.variants import copied, round_up
from mcugen.ops.dense import folded_dense

TAP_STEP = 8  # taps per turn of the M0 dot-product loops (mg_m0.h)


def wrap_i32(v: int) -> int:
    """v modulo 2^32 as a signed int32 (the kernels' sums wrap; their results are exact)."""
    return (int(v) + (1 << 31)) % (1 << 32) - (1 << 31)


def requant_ok(bias_folded: tuple[int, ...], weights: np.ndarray, shifts: tuple[int, ...]) -> bool:
    """mg_m0_requantize is exact for every accumulator these weights can make: per channel,
    |bias| + 128 * sum |w| (inputs and padding are int8) plus half the right shift's step below 2^31."""
    w = np.abs(weights.reshape(weights.shape[0], -1).astype(np.int64)).sum(axis=1)
    for b, s, shift in zip(bias_folded, w, shifts):
        half = (1 << (-shift - 1)) if shift < 0 else 0
        if abs(int(b)) + 128 * int(s) + half >= 1 << 31:
            return False
    return True


def offset_binary_pairs(rows: np.ndarray, taps: int) -> tuple[np.ndarray, np.ndarray]:
    """int8 [channels, n] -> (the M0 weight layout, sum of v per channel): v = w + 128 (uint8),
    taps padded to `taps` and channels to an even count with v = 128 (w = 0), then per channel
    pair the two rows interleaved tap by tap: [pair][taps][2]."""
    channels, n = rows.shape
    v = np.full((round_up(channels, 2), taps), 128, np.int64)
    v[:channels, :n] = rows.astype(np.int64) + 128
    layout = v.reshape(-1, 2, taps).transpose(0, 2, 1).reshape(-1)
    return layout.astype(np.uint8), v[:channels].sum(axis=1)


def lean_shifts(shifts: tuple[int, ...]) -> bool:
    """The lean output stage (mg_m0_requantize_rs) takes right shifts only."""
    return all(s <= -1 for s in shifts)


def m0_quant(bias_folded: tuple[int, ...], mults: tuple[int, ...], shifts: tuple[int, ...]) -> tuple[ConstArray, int]:
    """"quant": per channel {bias (mod 2^32), multiplier, shift, half} (mg_m0.h), zeros padding
    to an even count (the kernels read channel pairs), and the layer's `lean` flag: when every
    shift is a right shift, they hold that shift and 2^(shift - 1) (mg_m0_requantize_rs), else
    TFLM's shift and 0."""
    lean = lean_shifts(shifts)
    quant: list[int] = []
    for b, m, s in zip(bias_folded, mults, shifts):
        quant += [wrap_i32(b), int(m), -s if lean else s, (1 << (-s - 1)) if lean else 0]
    if len(shifts) % 2:
        quant += [0, 0, 1 if lean else 0, 0]
    return ConstArray("quant", "int32_t", tuple(quant)), int(lean)


def _conv_call(call: KernelCall, geometry: tuple, rows: np.ndarray, bias_folded: tuple[int, ...],
               mults: tuple[int, ...], shifts: tuple[int, ...], input_zp: int, p: dict) -> KernelCall | None:
    """The mg_conv_2d_m0_s8 call for `rows` ([out_c, taps] int8 weights) and this geometry."""
    if not all(m >= 0 for m in mults) or not requant_ok(bias_folded, rows, shifts):
        return None
    taps = round_up(rows.shape[1], TAP_STEP)
    filt, sum_v = offset_binary_pairs(rows, taps)
    # the offset-binary sums: sum (u - 128)(v - 128) = sum u v - 128 sum u - 128 sum v + 16384 taps
    folded = tuple(int(b) - 128 * int(sv) + 16384 * taps for b, sv in zip(bias_folded, sum_v))
    quant, lean = m0_quant(folded, mults, shifts)
    g = dict(geometry)
    params = (*geometry, ("taps", taps), ("pad_u", input_zp + 128),
              ("output_offset", p["output_offset"]), ("act_min", p["act_min"]), ("act_max", p["act_max"]),
              ("lean", lean), ("filter", ConstRef("filter")), ("quant", ConstRef("quant")),
              ("scratch", ScratchRef()))
    return replace(call, kernel="conv_2d_m0", params=params,
                   consts=(ConstArray("filter", "uint8_t", tuple(int(v) for v in filt)), quant),
                   scratch_bytes=2 * taps + 2 * g["out_w"] * g["out_c"])


def conv_2d_m0(graph: Graph, call: KernelCall) -> KernelCall | None:
    """CONV_2D with one group -> mg_conv_2d_m0_s8."""
    p = dict(call.params)
    if p["filter_in_c"] != p["in_c"]:
        return None
    out_c = p["out_c"]
    rows = graph.tensor(p["filter"].tensor_id).array().reshape(out_c, -1)
    geometry = (*copied(p, "batches", "in_h", "in_w", "in_c", "out_h", "out_w", "out_c", "filter_h", "filter_w",
                        "stride_h", "stride_w", "dilation_h", "dilation_w", "pad_top", "pad_left"),)
    return _conv_call(call, geometry, rows, call.const("bias_folded"), call.const("multiplier"),
                      call.const("shift"), -p["input_offset"], p)


def fully_connected_m0(graph: Graph, call: KernelCall) -> KernelCall | None:
    """FULLY_CONNECTED with symmetric weights -> mg_conv_2d_m0_s8 as a 1x1 convolution over a
    batches x 1 image (batch rows pair up like pixels). The input offset is folded here."""
    p = dict(call.params)
    if p["filter_offset"] != 0:
        return None
    depth, accum, batches = p["output_depth"], p["accum_depth"], p["batches"]
    rows, bias, mults, shifts = folded_dense(graph, call)
    folded = tuple(int(v) for v in bias)
    geometry = (("batches", 1), ("in_h", batches), ("in_w", 1), ("in_c", accum), ("out_h", batches),
                ("out_w", 1), ("out_c", depth), ("filter_h", 1), ("filter_w", 1), ("stride_h", 1),
                ("stride_w", 1), ("dilation_h", 1), ("dilation_w", 1), ("pad_top", 0), ("pad_left", 0))
    return _conv_call(call, geometry, rows, folded, mults, shifts, -p["input_offset"], p)


DW_TAP_STEP = 3  # taps per turn of the depthwise loop
DW_MAX_TAPS = 51  # MG_DW_M0_MAX_TAPS


def depthwise_conv_2d_m0(graph: Graph, call: KernelCall) -> KernelCall | None:
    """DEPTHWISE_CONV_2D, depth multiplier 1, an even channel count -> mg_depthwise_conv_2d_m0_s8."""
    p = dict(call.params)
    channels, n = p["out_c"], p["filter_h"] * p["filter_w"]
    mults, shifts, bias = call.const("multiplier"), call.const("shift"), call.const("bias_folded")
    if (p["depth_multiplier"] != 1 or channels % 2 or round_up(n, DW_TAP_STEP) > DW_MAX_TAPS
            or not all(m >= 0 for m in mults)):
        return None
    filt = graph.tensor(p["filter"].tensor_id).array().reshape(n, channels)
    if not requant_ok(bias, filt.T, shifts):
        return None
    taps = round_up(n, DW_TAP_STEP)
    words = np.zeros((taps, channels), np.int32)
    words[:n] = filt
    layout = words.reshape(taps, channels // 2, 2).transpose(1, 0, 2).reshape(-1)  # [pair][tap][2]
    quant, lean = m0_quant(bias, mults, shifts)
    params = (*copied(p, "batches", "in_h", "in_w"), ("channels", channels),
              *copied(p, "out_h", "out_w", "filter_h", "filter_w", "stride_h", "stride_w", "dilation_h",
                      "dilation_w", "pad_top", "pad_left"),
              ("taps", taps), ("pad_value", -p["input_offset"]), ("output_offset", p["output_offset"]),
              ("act_min", p["act_min"]), ("act_max", p["act_max"]), ("lean", lean),
              ("filter", ConstRef("filter")), ("quant", ConstRef("quant")), ("scratch", ScratchRef()))
    return replace(call, kernel="depthwise_conv_2d_m0", params=params,
                   consts=(ConstArray("filter", "int32_t", tuple(int(v) for v in layout)), quant),
                   scratch_bytes=channels + p["out_w"] * channels)


M0_REWRITES = {
    "depthwise_conv_2d": depthwise_conv_2d_m0,
    "conv_2d": conv_2d_m0,
    "fully_connected": fully_connected_m0,
}

