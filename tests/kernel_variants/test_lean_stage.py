"""The lean output stage's proof (mcugen.ops.variants_mm.lean_stage) against TFLM's arithmetic:
wherever it admits a layer, the kernels' rounding chain (mg_mm_out, modelled here bit for bit,
int32 wrap included) equals MultiplyByQuantizedMultiplier + zero point + clamp for every
accumulator the layer can produce; at its boundaries (accumulator bound 2^30, the addend's int32
range, shifts, activation ranges) it refuses exactly where the chain could differ, and the ReLU
walk (no sign fix) is chosen only where the fix cannot matter."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.ops.quant import quantize_multiplier
from mcugen.ops.variants_mm import channel_bounds, lean_stage, pair_stream, quad_stream

I64 = np.int64


def wrap32(v: np.ndarray) -> np.ndarray:
    return ((v + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def tflm(acc: np.ndarray, m: int, shift: int, zp: int, lo: int = -128, hi: int = 127) -> np.ndarray:
    """TFLM: clamp(RoundingDivideByPOT(SaturatingRoundingDoublingHighMul(acc << ls, m), rs) + zp)."""
    ls, rs = max(shift, 0), max(-shift, 0)
    x = wrap32(acc.astype(I64) << ls)
    ab = x * m
    q = ab + np.where(ab >= 0, 1 << 30, 1 - (1 << 30))
    h = np.where(q >= 0, q >> 31, -((-q) >> 31))  # C division truncates toward zero
    mask = (1 << rs) - 1
    r = (h >> rs) + ((h & mask) > ((mask >> 1) + (h < 0))).astype(I64)
    return np.clip(r + zp, lo, hi)


def lean(acc: np.ndarray, m: int, shift: int, zp: int, fix: bool) -> np.ndarray:
    """mg_mm_out: SSAT8((SMMLAR(2 acc, m, (2 zp + 1) << (rs - 1) - fix) >> (rs - 1)) >> 1), int32 wrap."""
    rsm1 = -shift - 1
    x2 = wrap32(2 * acc.astype(I64))
    c = wrap32(np.full_like(x2, (2 * zp + 1) << rsm1) - (fix * (x2 < 0)))
    v = wrap32(((x2 * m + (1 << 31)) >> 32) + c)
    return np.clip((v >> rsm1) >> 1, -128, 127)


def accumulators(bound: int, m: int, shift: int, rng) -> np.ndarray:
    """Every accumulator in [-bound, bound] when that is small; else its edges, random ones and the
    ones next to each rounding tie of the second rounding (where the sign fix matters)."""
    if bound <= 1 << 18:
        return np.arange(-bound, bound + 1, dtype=I64)
    edges = np.array([-bound, -bound + 1, -1, 0, 1, bound - 1, bound], I64)
    rs = -shift
    h = (rng.integers(-(1 << 20), 1 << 20, 4000, dtype=I64) << rs) + (1 << (rs - 1))  # ties of RDBP
    near = (h[:, None] * (1 << 31) - (1 << 30)) // max(m, 1) + np.arange(-2, 3)[None, :]
    picks = np.concatenate([edges, rng.integers(-bound, bound + 1, 50_000, dtype=I64), near.ravel()])
    return picks[np.abs(picks) <= bound]


def check_layer(bias, weights, mults, shifts, zp, rng, act=(-128, 127)):
    """lean_stage on a layer; where it admits it, the chain equals TFLM for every accumulator
    (constant channels: for every accumulator of the original channel). Returns the Lean."""
    result = lean_stage(bias, weights, mults, shifts, zp, *act)
    if result is None:
        return None
    original = channel_bounds(bias, weights)
    for c, (b, m, s) in enumerate(zip(result.bias, result.mults, result.shifts)):
        if not result.weights[c].any():  # acc is always the (rewritten) bias
            want = tflm(accumulators(original[c], mults[c], min(shifts[c], -1), rng) if weights[c].any()
                        else np.array([bias[c]], I64), mults[c], shifts[c], zp)
            got = lean(np.array([b], I64), m, s, zp, fix=result.mode == "fix")
            assert np.all(want == got[0]), (c, "constant channel")
            continue
        acc = accumulators(original[c], m, s, rng)
        want = tflm(acc, m, s, zp)
        assert np.array_equal(lean(acc, m, s, zp, fix=True), want), (c, m, s, zp)
        if result.mode == "relu":
            assert np.array_equal(lean(acc, m, s, zp, fix=False), want), (c, m, s, zp, "relu")
    return result


def random_layer(rng, channels: int, taps: int, zp: int, scale_exp: tuple[int, int], bias_scale: float = 1e4):
    weights = rng.integers(-127, 128, (channels, taps), dtype=np.int8)
    bias = (rng.normal(0, bias_scale, channels)).astype(np.int64)
    scales = 2.0 ** rng.uniform(*scale_exp, channels)
    mults, shifts = zip(*(quantize_multiplier(float(s)) for s in scales))
    return bias, weights, mults, shifts


@pytest.mark.parametrize("seed", range(12))
def test_admitted_layers_equal_tflm(seed):
    rng = np.random.default_rng(seed)
    zp = -128 if seed % 3 == 0 else int(rng.integers(-128, 128))
    bias, weights, mults, shifts = random_layer(rng, 6, int(rng.integers(1, 300)), zp, (-22, -3))
    assert check_layer(bias, weights, mults, shifts, zp, rng) is not None
    assert (zp == -128) == (lean_stage(bias, weights, mults, shifts, zp, -128, 127).mode == "relu")


def test_sign_fix_is_needed_off_relu():
    """With zp != -128 the chain without the fix differs from TFLM on negative ties: the relu walk
    would be wrong there, and lean_stage does not choose it."""
    rng = np.random.default_rng(5)
    bias, weights, mults, shifts = random_layer(rng, 1, 64, 3, (-12, -8))
    assert lean_stage(bias, weights, mults, shifts, 3, -128, 127).mode == "fix"
    acc = accumulators(channel_bounds(bias, weights)[0], mults[0], shifts[0], rng)
    assert np.any(lean(acc, mults[0], shifts[0], 3, fix=False) != tflm(acc, mults[0], shifts[0], 3))


def test_accumulator_bound_2_30():
    """|acc| < 2^30 (the doubling fits an int32): a bias putting the bound at 2^30 is refused."""
    w = np.zeros((1, 8), np.int8)
    w[0, 0] = 1
    m, s = quantize_multiplier(2.0 ** -20)
    below = (1 << 30) - 1 - 128
    assert check_layer([below], w, [m], [s], -128, np.random.default_rng(0)) is not None
    assert lean_stage([below + 1], w, [m], [s], -128, -128, 127) is None


def test_addend_range():
    """(2 zp + 1) << (rs - 1) and the high product must stay in an int32: zp 127 admits rs 24 and
    refuses rs 25, where the chain would indeed wrap."""
    w = np.ones((1, 8), np.int8)
    for rs, admitted in ((24, True), (25, False)):
        m = 1 << 30
        result = lean_stage([0], w, [m], [-rs], 127, -128, 127)
        assert (result is not None) == admitted
    acc = np.arange(-1024, 1025, dtype=I64)
    assert np.any(lean(acc, 1 << 30, -25, 127, fix=True) != tflm(acc, 1 << 30, -25, 127))


@pytest.mark.parametrize("case", ["shift 0", "left shift", "act min", "act max", "negative multiplier"])
def test_refusals(case):
    w = np.ones((2, 16), np.int8)
    m, s = quantize_multiplier(0.01)
    mults, shifts, act = [m, m], [s, s], (-128, 127)
    if case == "shift 0":
        shifts = [s, 0]
    elif case == "left shift":
        shifts = [s, 2]
    elif case == "act min":
        act = (-100, 127)
    elif case == "act max":
        act = (-128, 100)
    else:
        mults = [m, -m]
    assert lean_stage([0, 0], w, mults, shifts, -5, *act) is None


def test_constant_channels_rewritten():
    """All-zero weights with any bias (VWW's pruned channels: |bias| ~ 2^30, shift -31) and a zero
    multiplier give TFLM's one byte for every input; the rest of the layer stays lean."""
    rng = np.random.default_rng(9)
    for zp in (-128, 17):
        bias, weights, mults, shifts = random_layer(rng, 5, 40, zp, (-14, -6))
        weights[1] = 0
        bias[1] = -(1 << 30)
        shifts = list(shifts)
        shifts[1] = -31
        weights[2] = 0
        bias[2] = (1 << 30) + 12345
        mults = list(mults)
        mults[3], shifts[3] = 0, 0  # a zero scale: any accumulator gives the zero point
        result = check_layer(bias, weights, mults, shifts, zp, rng)
        assert result is not None and not result.weights[1:4].any()


def test_streams_hold_the_rewritten_layer():
    """The streams the kernels walk carry each channel's bias, weights and multiplier where
    mg_mm_dsp.h says (CONV_2D: pairs last first; FULLY_CONNECTED: quads, then the tail)."""
    rng = np.random.default_rng(2)
    bias, weights, mults, shifts = random_layer(rng, 7, 12, -128, (-14, -6))
    taps = 16
    stream, shift_bytes = pair_stream(weights, bias, mults, shifts, taps)
    words = stream.view("<i4")
    record = 2 + taps // 2 + 2  # words per pair
    assert words.size == 4 * record
    for i in range(4):
        at = (3 - i) * record
        for ch in (0, 1):
            c = 2 * i + ch
            assert words[at + ch] == (bias[c] if c < 7 else 0)
            assert words[at + 2 + taps // 2 + 1 - ch] == (mults[c] if c < 7 else 0)
            got = stream[4 * at + 8:4 * at + 8 + 2 * taps].reshape(taps // 4, 2, 4)[:, ch].ravel()
            assert np.array_equal(got, weights[c].tolist() + [0] * 4 if c < 7 else np.zeros(taps))
            assert shift_bytes[2 * i + 1 - ch] == (-shifts[c] - 1 if c < 7 else 0)
    stream, shift_bytes = quad_stream(weights, bias, mults, shifts, taps)
    words = stream.view("<i4")
    assert words.size == (4 + taps + 4) + 3 * (2 + taps // 4)
    assert list(words[:4]) == list(bias[:4]) and list(words[4 + taps:8 + taps]) == list(mults[:4])
    assert list(shift_bytes) == [-s - 1 for s in shifts]
    tail = stream[4 * (8 + taps):].reshape(3, 8 + taps)
    for j, c in enumerate(range(4, 7)):
        assert list(tail[j, :8].view("<i4")) == [bias[c], mults[c]]
        assert np.array_equal(tail[j, 8:], list(weights[c]) + [0] * 4)


def _add_call(scales, zps, out_zp, act=(-128, 127)):
    """A same-shape int8 ADD as the portable lowering gives it (the fields add_lean reads)."""
    from mcugen.ops.base import ConstArray, KernelCall
    from mcugen.ops.builtin.add_sub import rescale_multipliers

    m = rescale_multipliers(scales[0], scales[1], scales[2], float)
    params = {"rank": 1, "left_shift": 20, "input1_offset": -zps[0], "input2_offset": -zps[1],
              "output_offset": out_zp, "act_min": act[0], "act_max": act[1], **m}
    consts = (ConstArray("dims", "int32_t", (64,)), ConstArray("stride1", "int32_t", (1,)),
              ConstArray("stride2", "int32_t", (1,)))
    return KernelCall(0, "ADD", "add", tuple(params.items()), (5, 6), (7,), consts), m


def _tflm_add(x1, x2, call_params, m):
    a = tflm((x1 + call_params["input1_offset"]) << 20, m["input1_multiplier"], m["input1_shift"], 0,
             -(1 << 40), 1 << 40)
    b = tflm((x2 + call_params["input2_offset"]) << 20, m["input2_multiplier"], m["input2_shift"], 0,
             -(1 << 40), 1 << 40)
    return tflm(a + b, m["output_multiplier"], m["output_shift"], call_params["output_offset"],
                call_params["act_min"], call_params["act_max"])


@pytest.mark.parametrize("seed", range(8))
def test_add_lean_equals_tflm_on_every_input_pair(seed):
    """add_lean_dsp's arithmetic (the larger-scale input shifted by 19, the other one SMMLAR with
    its addend carrying the first one's offset, the lean output stage) against TFLM's ADD on all
    65,536 pairs of int8 inputs, for random scales and zero points (ReLU-type and not)."""
    from mcugen.ops.variants_mm import add_lean

    rng = np.random.default_rng(seed)
    scales = (float(2.0 ** rng.uniform(-7, -3)), float(2.0 ** rng.uniform(-7, -3)), float(2.0 ** rng.uniform(-6, -2)))
    zps = tuple(int(v) for v in rng.integers(-128, 128, 2))
    out_zp = -128 if seed % 2 else int(rng.integers(-128, 128))
    call, m = _add_call(scales, zps, out_zp)
    lean_call = add_lean(None, call)
    assert lean_call is not None, m
    p = dict(lean_call.params)
    swapped = lean_call.inputs != call.inputs
    x1, x2 = (v.ravel().astype(I64) for v in np.meshgrid(np.arange(-128, 128), np.arange(-128, 128)))
    want = _tflm_add(x1, x2, dict(call.params), m)
    r1, r2 = (x2, x1) if swapped else (x1, x2)
    a = wrap32((r1 << 21) + p["input1_offset"])
    high = (a * p["input1_multiplier"] + (1 << 31)) >> 32
    t = wrap32(high + p["input1_addend"] - (a < 0)) >> p["input1_shift"]
    s = t + (r2 << 19)
    got = lean(s, p["output_multiplier"], -p["output_shift"] - 1, out_zp, fix=not p["relu"])
    assert np.array_equal(got, want)


def test_add_lean_refusals():
    """Equal input scales (both steps 0.5: no SMMLAR step), a narrowed activation range, and a
    second input's offset too large to ride in the addend fall back to the general ADD kernel."""
    from mcugen.ops.variants_mm import add_lean

    assert add_lean(None, _add_call((0.02, 0.02, 0.05), (3, -4), 10)[0]) is None
    assert add_lean(None, _add_call((0.02, 0.03, 0.05), (3, -4), 10, act=(-100, 127))[0]) is None
    # scale ratio 1/256: rs 8, and offset2 * 2^27 leaves the int32 range
    assert add_lean(None, _add_call((0.0001, 0.0256, 0.05), (3, -100), 10)[0]) is None
    assert add_lean(None, _add_call((0.01, 0.03, 0.05), (3, -100), 10)[0]) is not None
