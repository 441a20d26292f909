"""The `xtensa` kernel variant: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, and same-shape ADD and
SUB for the Xtensa LX cores (ESP8266's LX106, ESP32's LX6, ESP32-S3's LX7).

Xtensa loads bytes zero-extended only (a signed int8 costs two more instructions on the LX106,
one on the LX6), and the LX106 has no 64-bit-product multiply. So the xtensa kernels
(firmware/kernels/*_xtensa_s8.c, helpers in firmware/include/mg_xtensa.h) multiply unsigned
bytes, and requantize with 16 x 16 multiplies; everything they need is laid out here:

- weights stored as w + 128 (0..255), four output channels interleaved tap by tap
  ([ceil(out_c / 4)][taps][4]: one pointer, one load per product); depthwise weights as int16
  ([taps][channels]: their few taps cost little flash and load signed in one instruction);
- the offsets' cross terms folded into the bias: sum (x w) = sum (x_u w_u) - 128 sum x_u
  - 128 sum w, with x_u = x + 128 and w_u = w + 128; the kernels add -128 sum x_u per column
  (shared by every output channel), the bias here carries -128 sum w;
- per-channel arrays padded to the kernels' 4-channel step;
- ADD/SUB: each input's 256 values in the common domain, as tables (one requantization left).
The kernels sum modulo 2^32 (unsigned), so every partial sum may wrap: the result is TFLM's int32
sum whenever that one fits, the same condition the portable kernels have.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from mcugen.ir import Graph
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, ScratchRef
from mcugen.ops.fixedpoint import multiply_by_quantized_multiplier, wrap32
from mcugen.ops.dense import folded_dense

POINTER_SLOT = 8  # MG_XT_POINTER_SLOT: scratch bytes per depthwise tap pointer


def quad_interleave(rows: np.ndarray) -> np.ndarray:
    """int8 [channels, taps] -> uint8 [ceil(channels / 4)][taps][4], each w + 128; padding
    channels hold weight 0 (128)."""
    channels, taps = rows.shape
    padded = np.zeros((-(-channels // 4) * 4, taps), np.int16)
    padded[:channels] = rows
    return (padded + 128).astype(np.uint8).reshape(-1, 4, taps).transpose(0, 2, 1).reshape(-1)


def _wrapped(values: np.ndarray) -> tuple[int, ...]:
    """int32 values modulo 2^32 (the kernels add them unsigned)."""
    return tuple(int((v + 2**31) % 2**32 - 2**31) for v in values)


def _padded4(values: tuple[int, ...]) -> tuple[int, ...]:
    return values + (0,) * (-len(values) % 4)


def _quant(bias: np.ndarray, multipliers: tuple[int, ...], shifts: tuple[int, ...], p: dict,
           pad: bool) -> tuple[tuple, tuple[ConstArray, ...]]:
    """The MG_XT_QUANT_FIELDS params and their arrays (padded to 4 channels when `pad`)."""
    grow = _padded4 if pad else (lambda v: v)
    consts = (ConstArray("bias", "int32_t", grow(_wrapped(bias))),
              ConstArray("multiplier", "int32_t", grow(multipliers)),
              ConstArray("right_shift", "uint8_t", grow(tuple(-s for s in shifts))))
    params = (("bias", ConstRef("bias")), ("multiplier", ConstRef("multiplier")),
              ("right_shift", ConstRef("right_shift")),
              ("out", _range(p)))
    return params, consts


def _range(p: dict) -> tuple[int, int, int]:
    """mg_xt_range: the output zero point and the activation's clamp."""
    return (p["output_offset"], p["act_min"], p["act_max"])


def _usable(call: KernelCall) -> bool:
    # mg_xt_requantize takes multipliers >= 0 (every QuantizeMultiplier result) and right shifts
    # (TFLM's shift <= 0: an effective scale below 1, as in every shared model)
    return all(m >= 0 for m in call.const("multiplier")) and all(s <= 0 for s in call.const("shift"))


def conv_2d_xtensa(graph: Graph, call: KernelCall) -> KernelCall | None:
    """CONV_2D with one group -> mg_conv_2d_xtensa_s8."""
    p = dict(call.params)
    taps = p["filter_h"] * p["filter_w"] * p["in_c"]
    if p["filter_in_c"] != p["in_c"] or not _usable(call):
        return None
    out_c = p["out_c"]
    filt = graph.tensor(p["filter"].tensor_id).array().reshape(out_c, taps)
    bias = np.array(call.const("bias_folded"), np.int64) - 128 * filt.astype(np.int64).sum(axis=1)
    quant, consts = _quant(bias, call.const("multiplier"), call.const("shift"), p, pad=True)
    params = (*((k, p[k]) for k in ("batches", "in_h", "in_w", "in_c", "out_h", "out_w", "out_c", "filter_h",
                                    "filter_w", "stride_h", "stride_w", "dilation_h", "dilation_w", "pad_top",
                                    "pad_left")),
              ("pad_value", -p["input_offset"] + 128), ("filter", ConstRef("filter")), *quant,
              ("scratch", ScratchRef()))
    return replace(call, kernel="conv_2d_xtensa", params=params,
                   consts=(ConstArray("filter", "uint8_t", tuple(int(v) for v in quad_interleave(filt))), *consts),
                   scratch_bytes=p["out_w"] * out_c + taps)


def depthwise_conv_2d_xtensa(graph: Graph, call: KernelCall) -> KernelCall | None:
    """DEPTHWISE_CONV_2D with depth multiplier 1 -> mg_depthwise_conv_2d_xtensa_s8."""
    p = dict(call.params)
    channels, taps = p["out_c"], p["filter_h"] * p["filter_w"]
    if p["depth_multiplier"] != 1 or not _usable(call):
        return None
    filt = graph.tensor(p["filter"].tensor_id).array().reshape(taps, channels).astype(np.int64)
    bias = np.array(call.const("bias_folded"), np.int64) - 128 * filt.sum(axis=0)
    quant, consts = _quant(bias, call.const("multiplier"), call.const("shift"), p, pad=False)
    params = (*((k, p[k]) for k in ("batches", "in_h", "in_w")), ("channels", channels),
              *((k, p[k]) for k in ("out_h", "out_w", "filter_h", "filter_w", "stride_h", "stride_w",
                                    "dilation_h", "dilation_w", "pad_top", "pad_left")),
              ("pad_value", -p["input_offset"]), ("filter", ConstRef("filter")), *quant, ("scratch", ScratchRef()))
    return replace(call, kernel="depthwise_conv_2d_xtensa", params=params,
                   consts=(ConstArray("filter", "int16_t", tuple(int(v) for v in filt.reshape(-1))), *consts),
                   scratch_bytes=taps * POINTER_SLOT + channels + p["out_w"] * channels)


def fully_connected_xtensa(graph: Graph, call: KernelCall) -> KernelCall | None:
    """FULLY_CONNECTED with symmetric weights -> mg_fully_connected_xtensa_s8; the input offset
    is folded into the bias here."""
    p = dict(call.params)
    if p["filter_offset"] != 0 or not _usable(call):
        return None
    accum = p["accum_depth"]
    # the bias carries the cross term -128 sum w (module docstring) beside the input offset
    filt, bias, mults, shifts = folded_dense(graph, call, p["input_offset"] - 128)
    quant, consts = _quant(bias, mults, shifts, p, pad=True)
    params = (*((k, p[k]) for k in ("batches", "accum_depth", "output_depth")), ("filter", ConstRef("filter")),
              *quant, ("scratch", ScratchRef()))
    return replace(call, kernel="fully_connected_xtensa", params=params,
                   consts=(ConstArray("filter", "uint8_t", tuple(int(v) for v in quad_interleave(filt))), *consts),
                   scratch_bytes=accum)


def add_sub_xtensa(graph: Graph, call: KernelCall) -> KernelCall | None:
    """Same-shape ADD or SUB -> mg_add_xtensa_s8: each input's 256 possible values rescaled here
    with TFLM's arithmetic (offset, left shift, MultiplyByQuantizedMultiplier), SUB's second
    table negated; the kernel adds two lookups and requantizes once."""
    p = dict(call.params)
    walk = {c.name: c.values for c in call.consts}
    same_shape = p["rank"] == 1 and walk["stride1"] == walk["stride2"] == (1,)
    if not same_shape or p["output_multiplier"] < 0 or p["output_shift"] > 0:
        return None
    sign = -1 if call.kernel == "sub" else 1

    def table(i: int, factor: int) -> tuple[int, ...]:
        return tuple(factor * multiply_by_quantized_multiplier(
            wrap32(((b if b < 128 else b - 256) + p[f"input{i}_offset"]) << p["left_shift"]),
            p[f"input{i}_multiplier"], p[f"input{i}_shift"]) for b in range(256))

    params = (("size", walk["dims"][0]), ("input1_table", ConstRef("input1_table")),
              ("input2_table", ConstRef("input2_table")), ("output_multiplier", p["output_multiplier"]),
              ("right_shift", -p["output_shift"]), ("out", _range(p)))
    consts = (ConstArray("input1_table", "int32_t", table(1, 1)), ConstArray("input2_table", "int32_t", table(2, sign)))
    return replace(call, kernel="add_xtensa", params=params, consts=consts)


XTENSA: dict[str, Callable[[Graph, KernelCall], KernelCall | None]] = {
    "conv_2d": conv_2d_xtensa,
    "depthwise_conv_2d": depthwise_conv_2d_xtensa,
    "fully_connected": fully_connected_xtensa,
    "add": add_sub_xtensa,
    "sub": add_sub_xtensa,
}
