"""Kernel variants: rewrite portable `KernelCall`s into calls of faster, specialised kernels.

A stage between lowering and planning (the variant changes scratch sizes, so it comes before the
arena): `specialise(graph, calls, variant)`. The board file's `kernel_variant` names the variant:

  "portable"  the reference C kernels (firmware/kernels/<op>_s8.c), unchanged;
  "dsp"       Cortex-M DSP extension (M4, M7, M33, M55): SMLAD/SXTB16 kernels
              (firmware/kernels/<op>_dsp_s8.c, and <op>_dsp_s4.c for int4 weights: int4_dsp.py)
              where an op's shape suits them, portable elsewhere.
  "rv32"      RV32IMC (ESP32-C3): the same layouts for CONV_2D, DEPTHWISE_CONV_2D,
              FULLY_CONNECTED and ADD, through their plain-C path (no DSP extension):
              register-blocked multiply-adds (2 channels x 2 pixels; 4 depthwise channels).
  "m0"        Cortex-M0/M0+ (ARMv6-M): offset-binary byte layouts and a requantization without
              64-bit multiplies (mcugen/ops/variants_m0.py).
  "mve"       Cortex-M55 MVE (Helium): firmware/kernels/<op>_mve_s8.c, rewrites in
              mcugen/ops/variants_mve.py.
  "xtensa"    Xtensa LX (ESP8266, ESP32, ESP32-S3): CONV_2D, DEPTHWISE_CONV_2D and
              FULLY_CONNECTED on unsigned bytes and 16-bit multiplies, same-shape ADD/SUB from
              two 256-entry tables (mcugen/ops/variants_xtensa.py).

Everything a fast kernel wants precomputed is computed here: weights reordered and interleaved
into the layout the inner loop walks, tap counts padded with zero weights, per-channel arrays
padded to the kernel's channel step, and the input zero point folded into the bias (the portable
lowering's `bias_folded`, which is bit-exact: every tap outside the image reads the zero point).
Ops without a suitable fast kernel keep their portable call.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Callable

import numpy as np

from mcugen.errors import McugenError
from mcugen.ir import Graph
from mcugen.ops.base import ConstArray, ConstRef, KernelCall, ScratchRef
from mcugen.ops.depthwise_3x3 import depthwise_conv_2d_3x3, with_tables
from mcugen.ops.depthwise_rows import depthwise_conv_2d_rows
from mcugen.ops.variants_mm import add_lean, conv_2d_mm, fully_connected_mm, share_dense_kernel
from mcugen.ops.variants_wide import StepLoads, widen_weights
from mcugen.ops.dense import folded_dense

VARIANTS = ("portable", "dsp", "rv32", "m0", "mve", "xtensa")


def specialise(graph: Graph, calls: list[KernelCall], variant: str,
               step_loads: StepLoads | None = None) -> list[KernelCall]:
    """The calls to generate for `variant` (see the module docstring). `step_loads` (the arena's
    least load per step for given scratch sizes; the pipeline passes the planner's) lets the dsp
    variant put int16 weights where the arena has room (mcugen/ops/variants_wide.py)."""
    if variant not in VARIANTS:
        raise McugenError(f"unknown kernel variant {variant!r}",
                          hint=f"the board file's kernel_variant is one of: {', '.join(VARIANTS)}")
    if variant == "portable":
        return list(calls)
    from mcugen.ops.int4_dsp import DSP_S4

    # int8 kernels and (dsp only) int4-weight ones have variants; an _s16 call keeps its portable kernel
    rewrites = {"s8": _rewrites(variant), "s4": DSP_S4 if variant == "dsp" else {}}
    out = []
    for call in calls:
        rewrite = rewrites.get(call.type_suffix, {}).get(call.kernel)
        fast = rewrite(graph, call) if rewrite is not None else None
        out.append(fast if fast is not None else call)
    if variant == "dsp":
        out = share_dense_kernel(graph, calls, out)
    return widen_weights(graph, out, step_loads) if variant == "dsp" and step_loads is not None else out


def _rewrites(variant: str) -> dict[str, Callable[[Graph, KernelCall], KernelCall | None]]:
    """The int8 rewrites of `variant` (kernel name -> rewrite)."""
    if variant == "mve":
        from mcugen.ops.variants_mve import MVE  # it builds on this module's layouts

        return MVE
    if variant == "m0":
        return _m0_rewrites()
    if variant == "xtensa":
        from mcugen.ops.variants_xtensa import XTENSA  # it builds on this module's layouts

        return XTENSA
    return _RV32 if variant == "rv32" else _DSP


# kernels whose call may take more scratch, where the arena plan leaves it free (pipeline.grow),
# to run faster: (call, room in bytes) -> the grown call, or None
GROWTH: dict[str, Callable[[KernelCall, int], KernelCall | None]] = {
    "depthwise_conv_2d_3x3_dsp": with_tables,
}


def grown_call(call: KernelCall, room: int) -> KernelCall | None:
    """`call` with its scratch grown into `room` bytes where its kernel runs faster with more
    (GROWTH), else None. The pipeline asks the arena plan for the room."""
    grow = GROWTH.get(call.kernel) if call.scratch_bytes else None
    return grow(call, room) if grow is not None else None


def can_grow(call: KernelCall) -> bool:
    return bool(call.scratch_bytes) and call.kernel in GROWTH


def variant_kernels(calls: list[KernelCall]) -> dict[str, int]:
    """How many calls use each kernel, e.g. {"conv_2d_dsp": 5, "softmax": 1}."""
    counts: dict[str, int] = {}
    for call in calls:
        if not call.view:
            counts[call.kernel] = counts.get(call.kernel, 0) + 1
    return counts


# ---- layouts (pure numpy, tested on their own) ------------------------------------------------

def round_up(n: int, step: int) -> int:
    return (n + step - 1) // step * step


def pair_interleave(rows: np.ndarray, row_step: int = 8) -> np.ndarray:
    """int8 [channels, taps] -> the dsp layout: taps padded with zeros to a multiple of `row_step`,
    channels to an even count, then per channel pair the two rows interleaved word (4 taps) by
    word: [pair][taps / 4][2 channels][4]. One pointer walking it reads both channels."""
    channels, taps = rows.shape
    padded = np.zeros((round_up(channels, 2), round_up(taps, row_step)), np.int8)
    padded[:channels, :taps] = rows
    pairs, cols = padded.shape[0] // 2, padded.shape[1]
    return padded.reshape(pairs, 2, cols // 4, 4).transpose(0, 2, 1, 3).reshape(-1)


def padded(values: tuple[int, ...] | list[int], length: int, fill: int = 0) -> tuple[int, ...]:
    return tuple(int(v) for v in values) + (fill,) * (length - len(values))


def lean_requant(call: KernelCall, acc_bound: int) -> bool:
    """True when the DSP kernels' lean output stage is exact for this call: mg_requantize_rs
    needs multipliers >= 0, every shift a right shift and |acc| <= acc_bound below 2^30 (SMMULR
    doubles it); a bare SSAT needs the activation range to be all of int8."""
    p = dict(call.params)
    shifts_ok = all(s <= -1 for s in call.const("shift"))
    full_range = p["act_min"] == -128 and p["act_max"] == 127
    return _multipliers_ok(call) and shifts_ok and acc_bound < (1 << 30) and full_range


def acc_bound(bias_folded: tuple[int, ...], weights: np.ndarray) -> int:
    """Largest |accumulator| any input can produce: |bias_folded| + 128 * sum |w| per channel
    (inputs and the padding zero point are int8)."""
    w = np.abs(weights.reshape(weights.shape[0], -1).astype(np.int64)).sum(axis=1)
    return int(max(abs(b) + 128 * int(s) for b, s in zip(bias_folded, w)))


def packed_quant(call: KernelCall, lean: bool, channels: int) -> tuple[ConstArray, ConstArray]:
    """The DSP kernels' per-channel constants: "quant" {folded bias, multiplier} (int32) and
    "shift" (int8: the right shift when lean, else TFLM's shift); zeros pad up to `channels`."""
    quant, shift = [], []
    for b, m, s in zip(call.const("bias_folded"), call.const("multiplier"), call.const("shift")):
        quant += [b, m]
        shift.append(-s if lean else s)
    quant += [0, 0] * (channels - len(shift))
    shift += [1 if lean else 0] * (channels - len(shift))
    return ConstArray("quant", "int32_t", tuple(quant)), ConstArray("shift", "int8_t", tuple(shift))


def dsp_tail(p: dict, lean: bool, weights: np.ndarray, call: KernelCall,
             channels: int) -> tuple[tuple, tuple[ConstArray, ...]]:
    """The params and constants every DSP kernel with weights ends with: the output stage (zero
    point, clamp, lean), the laid-out `weights`, the packed per-channel constants of `call`
    (packed_quant, padded to `channels`) and the scratch."""
    params = (
        ("output_offset", p["output_offset"]), ("act_min", p["act_min"]), ("act_max", p["act_max"]),
        ("lean", int(lean)),
        ("filter", ConstRef("filter")), ("quant", ConstRef("quant")), ("shift", ConstRef("shift")),
        ("scratch", ScratchRef()),
    )
    return params, (ConstArray("filter", "int8_t", tuple(int(v) for v in weights)), *packed_quant(call, lean, channels))


def copied(p: dict, *names: str) -> tuple[tuple[str, int], ...]:
    """The portable call's params `names`, unchanged."""
    return tuple((name, p[name]) for name in names)


WINDOW = ("filter_h", "filter_w", "stride_h", "stride_w", "dilation_h", "dilation_w", "pad_top", "pad_left")


def _multipliers_ok(call: KernelCall) -> bool:
    # mg_requantize_fast relies on multipliers >= 0 (QuantizeMultiplier of a positive scale)
    return all(m >= 0 for m in call.const("multiplier"))


# ---- CONV_2D ----------------------------------------------------------------------------------

def conv_2d_dsp(graph: Graph, call: KernelCall) -> KernelCall | None:
    """CONV_2D with one group -> mg_conv_2d_dsp_s8 (im2col pairs of pixels, 2x2 SMLAD blocks)."""
    p = dict(call.params)
    if p["filter_in_c"] != p["in_c"] or not _multipliers_ok(call):
        return None
    filt = graph.tensor(p["filter"].tensor_id).array()
    out_c = p["out_c"]
    taps = p["filter_h"] * p["filter_w"] * p["in_c"]
    col_len = round_up(taps, 8)  # the inner loop takes 8 taps per turn
    even = round_up(out_c, 2)
    weights = pair_interleave(filt.reshape(out_c, taps))
    lean = lean_requant(call, acc_bound(call.const("bias_folded"), filt))
    tail, consts = dsp_tail(p, lean, weights, call, even)
    params = (*copied(p, "batches", "in_h", "in_w", "in_c", "out_h", "out_w", "out_c", *WINDOW),
              ("col_len", col_len), ("pad_value", -p["input_offset"]), *tail)
    # two int16 columns, a window's bytes, then two output rows with room for an odd channel's spill
    return replace(call, kernel="conv_2d_dsp", params=params, consts=consts,
                   scratch_bytes=5 * col_len + 2 * (p["out_w"] * out_c + 4))


# ---- DEPTHWISE_CONV_2D ------------------------------------------------------------------------

DW_MAX_TAPS = 32  # MG_DW_DSP_MAX_TAPS


def dw_interleave(taps: np.ndarray) -> np.ndarray:
    """int8 [taps, channels] (channels % 4 == 0) -> the depthwise dsp layout: a zero tap appended
    when the count is odd, then [channels / 4][taps / 2][2 words], each word holding
    [w(t0, c), w(t0, c + 1), w(t1, c), w(t1, c + 1)] for c = 4g and 4g + 2."""
    n, channels = taps.shape
    padded = np.zeros((round_up(n, 2), channels), np.int8)
    padded[:n] = taps
    # [tap pair][tap in pair][group][channel pair][channel in pair]
    t = padded.reshape(-1, 2, channels // 4, 2, 2)
    # -> [group][tap pair][channel pair][tap in pair][channel in pair]
    return t.transpose(2, 0, 3, 1, 4).reshape(-1)


def depthwise_conv_2d_dsp(graph: Graph, call: KernelCall, rows_kernel: bool = True) -> KernelCall | None:
    """DEPTHWISE_CONV_2D, depth multiplier 1, channels % 4 == 0 -> the 3x3 kernel or else the rows
    kernel where they fit (mcugen/ops/depthwise_3x3.py, depthwise_rows.py; not on rv32, whose
    plain-C path of the rows kernel was slower on KWS's narrow layers: 707 k -> 817 k instructions
    a layer), else mg_depthwise_conv_2d_dsp_s8."""
    p = dict(call.params)
    channels, taps = p["out_c"], p["filter_h"] * p["filter_w"]
    if p["depth_multiplier"] != 1 or channels % 4 or taps > DW_MAX_TAPS or not _multipliers_ok(call):
        return None
    filt = graph.tensor(p["filter"].tensor_id).array().reshape(taps, channels)
    bound = acc_bound(call.const("bias_folded"), filt.T)
    if rows_kernel:
        consts = {name: call.const(name) for name in ("bias_folded", "multiplier", "shift")}
        fast = depthwise_conv_2d_3x3(graph, call, consts, bound) or depthwise_conv_2d_rows(graph, call, consts, bound)
        if fast is not None:
            return fast
    lean = lean_requant(call, bound)
    tail, consts = dsp_tail(p, lean, dw_interleave(filt), call, channels)
    params = (*copied(p, "batches", "in_h", "in_w"), ("channels", channels), *copied(p, "out_h", "out_w", *WINDOW),
              ("taps_even", round_up(taps, 2)), ("pad_value", -p["input_offset"]), *tail)
    # a row of the zero point for taps outside the image, then the output row
    return replace(call, kernel="depthwise_conv_2d_dsp", params=params, consts=consts,
                   scratch_bytes=channels + p["out_w"] * channels)


# ---- FULLY_CONNECTED --------------------------------------------------------------------------

def fully_connected_dsp(graph: Graph, call: KernelCall) -> KernelCall | None:
    """FULLY_CONNECTED with symmetric weights -> mg_fully_connected_dsp_s8 (input widened once,
    two channels per walk). The input offset is folded into the bias here."""
    p = dict(call.params)
    if p["filter_offset"] != 0 or not _multipliers_ok(call):
        return None
    depth, accum = p["output_depth"], p["accum_depth"]
    filt, bias, mults, shifts = folded_dense(graph, call)
    folded = tuple(int(v) for v in bias)
    per_channel = replace(call, consts=(ConstArray("bias_folded", "int32_t", folded),
                                        ConstArray("multiplier", "int32_t", mults),
                                        ConstArray("shift", "int32_t", shifts)))
    lean = lean_requant(per_channel, acc_bound(folded, filt))
    col_len = round_up(accum, 8)
    tail, consts = dsp_tail(p, lean, pair_interleave(filt), per_channel, round_up(depth, 2))
    params = (*copied(p, "batches", "accum_depth", "output_depth"), ("col_len", col_len), *tail)
    return replace(call, kernel="fully_connected_dsp", params=params, consts=consts, scratch_bytes=2 * col_len)


# ---- ADD ----------------------------------------------------------------------------------------

def add_step(multiplier: int, shift: int) -> tuple[int, int, int, int]:
    """mg_add_dsp_step for TFLM's MultiplyByQuantizedMultiplierSmallerThanOneExp(., m, shift)."""
    rs = -shift
    return (multiplier, rs, (1 << (rs - 1)) if rs > 0 else 0, int(rs > 0))


def add_dsp(graph: Graph, call: KernelCall) -> KernelCall | None:
    """Same-shape ADD -> mg_add_dsp_s8, when every rescaling step is a right shift (or none) by a
    non-negative multiplier and every value stays below 2^30 (so the doubling is exact)."""
    p = dict(call.params)
    walk = {c.name: c.values for c in call.consts}
    same_shape = p["rank"] == 1 and walk["stride1"] == walk["stride2"] == (1,)
    steps = [(p["input1_multiplier"], p["input1_shift"]), (p["input2_multiplier"], p["input2_shift"]),
             (p["output_multiplier"], p["output_shift"])]
    if not same_shape or any(m < 0 or s > 0 for m, s in steps) or p["left_shift"] > 21:
        return None
    shifted = 255 << p["left_shift"]  # |x + offset| <= 255 for int8 x and zero point
    scaled = [(shifted * m >> 31) + 1 >> -s for m, s in steps[:2]]
    if 2 * shifted >= 1 << 31 or scaled[0] + scaled[1] + 2 >= 1 << 30:
        return None
    params = (
        ("size", walk["dims"][0]), ("input1_offset", p["input1_offset"]), ("input2_offset", p["input2_offset"]),
        ("output_offset", p["output_offset"]), ("doubled_left_shift", p["left_shift"] + 1),
        ("input1", add_step(*steps[0])), ("input2", add_step(*steps[1])), ("output", add_step(*steps[2])),
        ("act_min", p["act_min"]), ("act_max", p["act_max"]),
    )
    return replace(call, kernel="add_dsp", params=params, consts=())


# ---- AVERAGE_POOL_2D --------------------------------------------------------------------------

def average_pool_2d_dsp(graph: Graph, call: KernelCall) -> KernelCall | None:
    """AVERAGE_POOL_2D, channels % 4 == 0, windows of <= 256 taps (int16 lane sums) ->
    mg_average_pool_2d_dsp_s8; same parameters as the portable kernel."""
    p = dict(call.params)
    if p["channels"] % 4 or p["filter_h"] * p["filter_w"] > 256:
        return None
    return replace(call, kernel="average_pool_2d_dsp")


def max_pool_2d_dsp(graph: Graph, call: KernelCall) -> KernelCall | None:
    """MAX_POOL_2D, channels % 4 == 0 -> mg_max_pool_2d_dsp_s8 (SSUB8/SEL on four channels at once);
    same parameters as the portable kernel."""
    return replace(call, kernel="max_pool_2d_dsp") if dict(call.params)["channels"] % 4 == 0 else None


def _first(*rewrites: Callable[[Graph, KernelCall], KernelCall | None]):
    """The first of `rewrites` that takes the call."""
    return lambda graph, call: next((fast for r in rewrites if (fast := r(graph, call)) is not None), None)


_COMMON: dict[str, Callable[[Graph, KernelCall], KernelCall | None]] = {
    "conv_2d": conv_2d_dsp,
    "depthwise_conv_2d": depthwise_conv_2d_dsp,
    "fully_connected": fully_connected_dsp,
    "add": add_dsp,
}
# the lean matrix kernels (variants_mm) where their output stage is proved exact, else the above
_DSP = {**_COMMON, "conv_2d": _first(conv_2d_mm, conv_2d_dsp),
        "fully_connected": _first(fully_connected_mm, fully_connected_dsp), "add": _first(add_lean, add_dsp),
        "average_pool_2d": average_pool_2d_dsp, "max_pool_2d": max_pool_2d_dsp}
# rv32: the plain-C paths; the depthwise rows kernel's was slower there (KWS 707 k -> 817 k a layer)
_RV32 = {**_COMMON, "depthwise_conv_2d": lambda graph, call: depthwise_conv_2d_dsp(graph, call, rows_kernel=False)}


def _m0_rewrites() -> dict[str, Callable[[Graph, KernelCall], KernelCall | None]]:
    from mcugen.ops.variants_m0 import M0_REWRITES  # it builds on this module's helpers

    return M0_REWRITES
