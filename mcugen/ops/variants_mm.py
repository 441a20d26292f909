"""The lean DSP matrix kernels of the dsp variant (firmware/include/mg_mm_dsp.h): CONV_2D two
channels x three pixels per sweep (conv_2d_1x1_dsp for pointwise layers, conv_2d_rgb_dsp for 3x3
filters on 3-channel images, conv_2d_im2col_dsp for any other window), FULLY_CONNECTED four channels per sweep (fully_connected_quad_dsp), each with
the requantization inlined. They are chosen only where `lean_mode` proves their output stage
bit-exact with TFLM for every accumulator the layer can produce; elsewhere the general DSP kernels
(mcugen/ops/variants.py) run.

The proof. TFLM computes out = clamp(RDBP(SRDHM(acc, m), rs) + zp) (MultiplyByQuantizedMultiplier
with a right shift rs >= 1). For m >= 0 and |acc| < 2^30:
  SRDHM(acc, m) = floor((acc * m + 2^30) / 2^31) = floor((2 acc * m + 2^31) / 2^32) = SMMULR(2 acc, m)
(its nudge makes negative ties round up too; its one saturating case needs m = -2^31), and
RDBP(h, rs) = floor((h + 2^(rs-1) - [h < 0]) / 2^rs), where [h < 0] may be read as [acc < 0]
(they differ only where h = 0, and both forms give 0 there). Nested floors of integer divisions
compose, so out - zp = floor((SMMLAR(2 acc, m, c) ) / 2^rs) with c = (2 zp + 1) 2^(rs-1) - [acc < 0]
carrying the rounding half and the zero point; the kernels shift by rs - 1 and then by 1 inside
SSAT. Every intermediate must fit an int32: checked per channel from the weights, the folded bias
and the int8 input range. With zp = -128 (and the activation range all of int8) the [acc < 0]
term can be dropped: for acc < 0 both forms give out - zp <= 0, which saturates to -128 anyway.
tests/kernel_variants/test_requant.py checks the C form against mg_requantize at the boundaries.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence

import numpy as np

from mcugen.ir import Graph
from mcugen.ops.base import ConstArray, ConstRef, FunctionRef, KernelCall, NullRef, ScratchRef
from mcugen.ops.fixedpoint import multiply_by_quantized_multiplier
from mcugen.ops.dense import folded_dense

INT32_MAX = (1 << 31) - 1


def round_up(n: int, step: int) -> int:
    return (n + step - 1) // step * step


def channel_bounds(bias_folded, weights: np.ndarray) -> list[int]:
    """Largest |accumulator| per output channel: |bias_folded| + 128 * sum |w| (inputs and the
    padding zero point are int8). `weights` [channels, ...]."""
    w = np.abs(weights.reshape(weights.shape[0], -1).astype(np.int64)).sum(axis=1)
    return [abs(int(b)) + 128 * int(s) for b, s in zip(bias_folded, w)]


@dataclass(frozen=True)
class Lean:
    """A layer's lean output stage: "relu" or "fix" walks, and the per-channel numbers to lay out
    (constant channels rewritten, see `lean_stage`)."""

    mode: str
    weights: np.ndarray  # [channels, taps]
    bias: tuple[int, ...]
    mults: tuple[int, ...]
    shifts: tuple[int, ...]  # TFLM's (negative: right shifts)


def constant_output(bias: int, mult: int, shift: int, zero_point: int, act_min: int, act_max: int) -> int:
    """TFLM's output for a channel whose accumulator is always `bias` (or whose multiplier is 0)."""
    return min(act_max, max(act_min, multiply_by_quantized_multiplier(bias, mult, shift) + zero_point))


def lean_stage(bias_folded, weights: np.ndarray, mults, shifts, zero_point: int, act_min: int,
               act_max: int) -> Lean | None:
    """The layer's lean output stage when it is exact for every accumulator (the module docstring),
    else None. A channel whose output is constant (all weights 0, or multiplier 0: TFLM gives
    the same byte for every input) is rewritten to zero weights, bias 4 (v - zp), multiplier 2^30
    and shift -1, which the lean stage maps to that byte v in both walks."""
    if act_min != -128 or act_max != 127:
        return None  # the output stage clamps with one SSAT to the int8 range
    w = weights.reshape(weights.shape[0], -1).copy()
    bias, mults, shifts = [int(v) for v in bias_folded], [int(v) for v in mults], [int(v) for v in shifts]
    for c in range(w.shape[0]):
        if mults[c] == 0 or not w[c].any():
            v = constant_output(bias[c] if mults[c] else 0, mults[c], shifts[c], zero_point, act_min, act_max)
            w[c] = 0
            bias[c], mults[c], shifts[c] = 4 * (v - zero_point), 1 << 30, -1
    if not all(stage_exact(bound, m, s, zero_point) for bound, m, s in zip(channel_bounds(bias, w), mults, shifts)):
        return None
    return Lean("relu" if zero_point == -128 else "fix", w, tuple(bias), tuple(mults), tuple(shifts))


def stage_exact(bound: int, m: int, shift: int, zero_point: int) -> bool:
    """The lean output stage equals TFLM for every accumulator |acc| <= bound (module docstring):
    m >= 0, a right shift, the doubling and every int32 intermediate in range."""
    rs = -shift
    if m < 0 or rs < 1 or bound >= 1 << 30:
        return False
    c = (2 * zero_point + 1) << (rs - 1)
    h = (2 * bound * m + (1 << 31)) >> 32  # |SMMULR(2 acc, m)| <= h + 1
    return abs(c) + 1 + h + 1 <= INT32_MAX


def _le32(values) -> np.ndarray:
    return np.asarray([int(v) for v in values], dtype="<i4").view(np.int8)


def _padded_rows(weights: np.ndarray, channels: int, taps: int) -> np.ndarray:
    rows = np.zeros((channels, taps), np.int8)
    flat = weights.reshape(weights.shape[0], -1)
    rows[:flat.shape[0], :flat.shape[1]] = flat
    return rows


def _padded(values, n: int) -> list[int]:
    return [int(v) for v in values] + [0] * (n - len(values))


def pair_stream(weights: np.ndarray, bias, mults, shifts, taps: int) -> tuple[np.ndarray, np.ndarray]:
    """The CONV_2D stream and shift bytes (mg_mm_dsp.h): per channel pair, last pair first, the
    biases of channels 2i and 2i + 1, per group of 4 taps the 4 weights of 2i then of 2i + 1,
    then the multipliers of 2i + 1 and 2i; shifts per pair (pair order): rs - 1 of 2i + 1, of 2i.
    `weights` [channels, ...] with at most `taps` taps (zeros pad them and an odd channel)."""
    pairs = (weights.shape[0] + 1) // 2
    rows = _padded_rows(weights, 2 * pairs, taps)
    b, m, r = (_padded(v, 2 * pairs) for v in (bias, mults, [-int(s) - 1 for s in shifts]))
    parts = []
    for i in reversed(range(pairs)):
        parts.append(_le32((b[2 * i], b[2 * i + 1])))
        parts.append(rows[2 * i:2 * i + 2].reshape(2, taps // 4, 4).transpose(1, 0, 2).reshape(-1))
        parts.append(_le32((m[2 * i + 1], m[2 * i])))
    shift_bytes = np.array([r[2 * i + 1 - j] for i in range(pairs) for j in range(2)], np.int8)
    return np.concatenate(parts), shift_bytes


def quad_stream(weights: np.ndarray, bias, mults, shifts, taps: int) -> tuple[np.ndarray, np.ndarray]:
    """The FULLY_CONNECTED stream and shift bytes (mg_mm_dsp.h): per quad of channels, in order,
    their 4 biases, per group of 4 taps the 4 weights of each channel, their 4 multipliers; then
    each of the last channels % 4: bias, multiplier, weights. Shifts: rs - 1 per channel. Zeros
    pad the taps."""
    channels = weights.shape[0]
    quads = channels // 4
    rows = _padded_rows(weights, channels, taps)
    parts = []
    for q in range(quads):
        parts.append(_le32(bias[4 * q:4 * q + 4]))
        parts.append(rows[4 * q:4 * q + 4].reshape(4, taps // 4, 4).transpose(1, 0, 2).reshape(-1))
        parts.append(_le32(mults[4 * q:4 * q + 4]))
    for c in range(4 * quads, channels):
        parts += [_le32((bias[c], mults[c])), rows[c]]
    return np.concatenate(parts), np.array([-int(s) - 1 for s in shifts], np.int8)


def _consts(stream: np.ndarray, shifts: np.ndarray) -> tuple[ConstArray, ConstArray]:
    return (ConstArray("stream", "int8_t", tuple(int(v) for v in stream)),
            ConstArray("shifts", "int8_t", tuple(int(v) for v in shifts)))


CONV_FIELDS = ("batches", "in_h", "in_w", "in_c", "out_h", "out_w", "out_c", "filter_h", "filter_w",
               "stride_h", "stride_w", "dilation_h", "dilation_w", "pad_top", "pad_left")


# conv_2d_rgb_dsp's tap order: each filter row's first 8 bytes (two groups a row), then the rows' last bytes
RGB_TAPS = [*range(0, 8), *range(9, 17), *range(18, 26), 8, 17, 26]


def conv_kernel(p: dict) -> str:
    """Which lean CONV_2D kernel takes a layer: pointwise, a 3x3 filter on 3 channels (image
    models' first layer) or any window."""
    if p["filter_h"] == p["filter_w"] == 1 and p["pad_top"] == p["pad_left"] == 0:
        return "conv_2d_1x1_dsp"
    if p["in_c"] == 3 and p["filter_h"] == p["filter_w"] == 3 and p["dilation_w"] == 1:
        return "conv_2d_rgb_dsp"
    return "conv_2d_im2col_dsp"


def wide_stream_bytes(groups: int, out_c: int) -> int:
    """Bytes of a CONV_2D stream widened to int16 (mg_mm_widen_stream)."""
    return (out_c + 1) // 2 * (16 + 16 * groups)


def conv_scratch(kernel: str, groups: int, in_c: int, out_w: int, out_c: int, widen: bool = False) -> int:
    """mg_conv_2d_{1x1,rgb,im2col}_dsp_s8_scratch_bytes: the 3-pixel column with its sentinel,
    the window's bytes (im2col: and 4 of spill) unless whole groups are gathered, the staging area of
    out_w + 2 pixels; with `widen`, the int16 stream after it, word-aligned."""
    window = 28 if kernel == "conv_2d_rgb_dsp" else 4 * groups + 4 if kernel == "conv_2d_im2col_dsp" and in_c % 4 else 0
    size = 24 * groups + 8 + window + (out_w + 2) * out_c + 1
    return round_up(size, 4) + wide_stream_bytes(groups, out_c) if widen else size


def conv_2d_mm(graph: Graph, call: KernelCall) -> KernelCall | None:
    """CONV_2D with one group and a provably lean output stage -> conv_2d_1x1_dsp (1x1 filter, no
    padding) or conv_2d_im2col_dsp."""
    p = dict(call.params)
    if p["filter_in_c"] != p["in_c"]:
        return None
    filt = graph.tensor(p["filter"].tensor_id).array()
    lean = lean_stage(call.const("bias_folded"), filt, call.const("multiplier"), call.const("shift"),
                      p["output_offset"], p["act_min"], p["act_max"])
    if lean is None:
        return None
    taps = round_up(p["filter_h"] * p["filter_w"] * p["in_c"], 4)
    kernel = conv_kernel(p)
    weights = lean.weights[:, RGB_TAPS] if kernel == "conv_2d_rgb_dsp" else lean.weights
    # twice the bias: the kernels' columns hold twice the input (mg_mm_dsp.h)
    stream, shifts = pair_stream(weights, [2 * b for b in lean.bias], lean.mults, lean.shifts, taps)
    params = (*((name, p[name]) for name in CONV_FIELDS), ("pad_value", -p["input_offset"]),
              ("groups", taps // 4), ("k", 2 * p["output_offset"] + 1),
              ("walk", FunctionRef(f"mg_mm_walk3_{lean.mode}")), ("widen", NullRef()),
              ("stream", ConstRef("stream")), ("shifts", ConstRef("shifts")), ("scratch", ScratchRef()))
    return replace(call, kernel=kernel, params=params, consts=_consts(stream, shifts),
                   scratch_bytes=conv_scratch(kernel, taps // 4, p["in_c"], p["out_w"], p["out_c"]))


# Under 8 channels the quad kernel's widened row and tail cost more than its quads save: the
# pair kernel is faster (a 3-class layer over 3,920 taps: 29.6 k instructions against 43.8 k; 7
# channels over 1,210 taps: 16.2 k against 19.8 k; 9 channels over 17 taps: 846 against 698),
# unless the model needs the quad kernel anyway (share_dense_kernel).
QUAD_MIN_DEPTH = 8


def fully_connected_mm(graph: Graph, call: KernelCall, min_depth: int = QUAD_MIN_DEPTH) -> KernelCall | None:
    """FULLY_CONNECTED with symmetric weights and a provably lean output stage ->
    fully_connected_quad_dsp (the input offset folded into the bias here)."""
    p = dict(call.params)
    if p["filter_offset"] != 0 or p["output_depth"] < min_depth:
        return None
    depth, accum = p["output_depth"], p["accum_depth"]
    filt, bias, mults, shifts = folded_dense(graph, call)
    folded = [int(v) for v in bias]
    lean = lean_stage(folded, filt, mults, shifts, p["output_offset"], p["act_min"], p["act_max"])
    if lean is None:
        return None
    taps = round_up(accum, 8)
    stream, shift_bytes = quad_stream(lean.weights, lean.bias, lean.mults, lean.shifts, taps)
    params = (("batches", p["batches"]), ("accum_depth", accum), ("output_depth", depth),
              ("groups", taps // 4), ("k", 2 * p["output_offset"] + 1),
              ("walk", FunctionRef("mg_fully_connected_quad_walk") if depth >= 4 else NullRef()),
              ("tail", FunctionRef("mg_fully_connected_quad_tail") if depth % 4 else NullRef()),
              ("stream", ConstRef("stream")), ("shifts", ConstRef("shifts")), ("scratch", ScratchRef()))
    return replace(call, kernel="fully_connected_quad_dsp", params=params,
                   consts=_consts(stream, shift_bytes), scratch_bytes=2 * taps)


def share_dense_kernel(graph: Graph, portable: Sequence[KernelCall], chosen: list[KernelCall]) -> list[KernelCall]:
    """`chosen` with its narrow FULLY_CONNECTED layers on the quad kernel too where another layer
    needs it: a second dense kernel costs ~1.1 KB of flash for a few instructions saved (hello_world:
    layers of 16, 16 and 1 channels, 20 instructions against 976 bytes)."""
    if not any(c.kernel == "fully_connected_quad_dsp" for c in chosen):
        return chosen
    return [(fully_connected_mm(graph, before, min_depth=1) or after) if after.kernel == "fully_connected_dsp" else after
            for before, after in zip(portable, chosen)]


# ---- ADD ----------------------------------------------------------------------------------------

HALF = (1 << 30, 0)  # quantize_multiplier(0.5): what TFLM gives the input with the larger scale


def add_lean(graph: Graph, call: KernelCall) -> KernelCall | None:
    """Same-shape int8 ADD -> add_lean_dsp: TFLM rescales the input with the larger scale by
    exactly 0.5, i.e. (x + offset) * 2^19 on its (x + offset) * 2^20 (passed second); the other
    step, s = (SMMLAR(2v, m, 2^(rs-1) + offset2 * 2^(19+rs)) - [v < 0]) >> rs, is
    mg_requantize_rs plus the second input's offset (exact: it is a multiple of 2^rs added before
    the floor shift); the output step is the lean stage, proved by stage_exact."""
    p = dict(call.params)
    walk = {c.name: c.values for c in call.consts}
    if p["rank"] != 1 or walk["stride1"] != walk["stride2"] or walk["stride1"] != (1,) or p["left_shift"] != 20:
        return None
    steps = [(p["input1_offset"], p["input1_multiplier"], p["input1_shift"]),
             (p["input2_offset"], p["input2_multiplier"], p["input2_shift"])]
    order = (0, 1) if steps[1][1:] == HALF else (1, 0) if steps[0][1:] == HALF else None
    if order is None or p["act_min"] != -128 or p["act_max"] != 127:
        return None
    (off1, m1, s1), (off2, _, _) = steps[order[0]], steps[order[1]]
    rs = -s1
    if m1 < 0 or rs < 1:
        return None
    doubled = 255 << 21  # |2 (x + offset) 2^20| for int8 x and zero point
    addend = (1 << (rs - 1)) + off2 * (1 << (19 + rs))
    high = (doubled * m1 + (1 << 31) >> 32) + 1  # |SMMULR(2v, m1)|
    total = ((high + (1 << (rs - 1))) >> rs) + 1 + (255 << 19)  # |TFLM's sum|
    if abs(addend) + high > INT32_MAX or not stage_exact(total, p["output_multiplier"], p["output_shift"],
                                                         p["output_offset"]):
        return None
    params = (("size", walk["dims"][0]), ("input1_offset", off1 * (1 << 21)), ("input1_multiplier", m1),
              ("input1_addend", addend), ("input1_shift", rs), ("output_multiplier", p["output_multiplier"]),
              ("output_shift", -p["output_shift"] - 1), ("k", 2 * p["output_offset"] + 1),
              ("relu", int(p["output_offset"] == -128)))
    return replace(call, kernel="add_lean_dsp", params=params, consts=(),
                   inputs=tuple(call.inputs[i] for i in order))
