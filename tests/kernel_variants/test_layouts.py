"""Generate-time layouts and decisions of mcugen.ops.variants, checked element by element
against the reading order the DSP kernels document (independently of the numpy reshapes)."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.errors import McugenError
from mcugen.ops.base import ConstArray, KernelCall
from mcugen.ops.variants import (acc_bound, dw_interleave, lean_requant, packed_quant, pair_interleave,
                                 specialise)


@pytest.mark.parametrize("channels,taps", [(4, 8), (5, 27), (1, 3), (64, 64)])
def test_pair_interleave_matches_the_kernel_walk(channels, taps):
    rows = np.random.default_rng(channels * taps).integers(-128, 128, (channels, taps), dtype=np.int8)
    flat = pair_interleave(rows)
    col_len = -(-taps // 8) * 8
    assert flat.size == -(-channels // 2) * 2 * col_len
    pos = 0
    for pair in range(-(-channels // 2)):  # the kernel: per pair, per group of 4, ch0 word, ch1 word
        for group in range(col_len // 4):
            for ch in range(2):
                for i in range(4):
                    c, k = 2 * pair + ch, 4 * group + i
                    want = rows[c, k] if c < channels and k < taps else 0
                    assert flat[pos] == want, (pair, group, ch, i)
                    pos += 1


@pytest.mark.parametrize("taps,channels", [(9, 8), (25, 4), (4, 12)])
def test_dw_interleave_pairs_taps_per_channel(taps, channels):
    w = np.random.default_rng(taps).integers(-128, 128, (taps, channels), dtype=np.int8)
    flat = dw_interleave(w)
    even = taps + taps % 2
    assert flat.size == even * channels

    def tap(t, c):
        return w[t, c] if t < taps else 0

    pos = 0
    for group in range(channels // 4):
        for pair in range(even // 2):
            for half in range(2):  # word 0: channels 4g, 4g+1; word 1: 4g+2, 4g+3
                c = 4 * group + 2 * half
                # SXTB16 takes bytes 0 and 2 (channel c), ROR 8 bytes 1 and 3 (channel c + 1)
                assert list(flat[pos:pos + 4]) == [tap(2 * pair, c), tap(2 * pair, c + 1),
                                                   tap(2 * pair + 1, c), tap(2 * pair + 1, c + 1)]
                pos += 4


def _call(shifts, mults, act=(-128, 127), bias=(0,)):
    n = len(shifts)
    return KernelCall(op_index=0, kind="CONV_2D", kernel="conv_2d",
                      params=(("act_min", act[0]), ("act_max", act[1])), inputs=(0,), outputs=(1,),
                      consts=(ConstArray("bias_folded", "int32_t", tuple(bias) * n),
                              ConstArray("multiplier", "int32_t", tuple(mults)),
                              ConstArray("shift", "int32_t", tuple(shifts))))


def test_lean_output_stage_only_where_it_is_exact():
    ok = _call([-3, -9], [1 << 30, (1 << 31) - 1])
    assert lean_requant(ok, acc_bound((0, 0), np.ones((2, 10), np.int8)))
    assert not lean_requant(_call([-3, 0], [1 << 30] * 2), 1000)       # a shift that is not a right shift
    assert not lean_requant(_call([-3, 2], [1 << 30] * 2), 1000)       # a left shift
    assert not lean_requant(_call([-3], [-5]), 1000)                   # a negative multiplier
    assert not lean_requant(_call([-3], [1 << 30], act=(-128, 6)), 1000)  # RELU6: not all of int8
    assert not lean_requant(ok, 1 << 30)                               # 2 * acc could overflow


def test_acc_bound_is_the_worst_case_accumulator():
    w = np.array([[127, -128, 3], [0, 0, 0]], np.int8)
    assert acc_bound((10, -7000), w) == max(10 + 128 * (127 + 128 + 3), 7000)


def test_packed_quant_pads_and_converts_shifts():
    call = _call([-3, -5, -1], [11, 22, 33], bias=(7,))
    quant, shift = packed_quant(call, lean=True, channels=4)
    assert quant.values == (7, 11, 7, 22, 7, 33, 0, 0) and shift.values == (3, 5, 1, 1)
    quant, shift = packed_quant(call, lean=False, channels=3)
    assert quant.values == (7, 11, 7, 22, 7, 33) and shift.values == (-3, -5, -1)


def test_variant_names():
    assert specialise(None, [], "portable") == []
    with pytest.raises(McugenError, match="unknown kernel variant"):
        specialise(None, [], "helium")


# ---- int4 weights (mcugen/ops/int4_dsp.py; what mg_dsp_s4.h and depthwise_conv_2d_dsp_s4.c read)

@pytest.mark.parametrize("channels,taps", [(4, 8), (5, 27), (1, 3), (6, 16)])
def test_offset_nibble_words_meet_the_column_words(channels, taps):
    from mcugen.ops.int4_dsp import offset_nibble_words

    rows = np.random.default_rng(taps).integers(-8, 8, (channels, taps), dtype=np.int8)
    words = offset_nibble_words(rows)
    turns = -(-taps // 8)
    assert words.size == -(-channels // 2) * 2 * turns

    def u(c, t):  # weight + 8; zero weights pad channels and taps
        return (int(rows[c, t]) if c < channels and t < taps else 0) + 8

    pos = 0
    for pair in range(-(-channels // 2)):  # per pair, per 8 taps: channel 0's word, channel 1's
        for turn in range(turns):
            for ch in range(2):
                word = int(words[pos])
                for k in range(4):  # column word k holds taps (0, 2), (1, 3), (4, 6), (5, 7) of the 8
                    first = 8 * turn + 4 * (k // 2) + k % 2
                    assert (word >> 4 * k) & 0xF == u(2 * pair + ch, first), (pair, turn, ch, k)
                    assert (word >> (16 + 4 * k)) & 0xF == u(2 * pair + ch, first + 2), (pair, turn, ch, k)
                pos += 1


@pytest.mark.parametrize("taps,channels", [(9, 8), (25, 4), (4, 12)])
def test_dw_nibble_words_pair_taps_per_channel(taps, channels):
    from mcugen.ops.int4_dsp import dw_nibble_words

    w = np.random.default_rng(taps).integers(-8, 8, (taps, channels), dtype=np.int8)
    words = dw_nibble_words(w)
    even = taps + taps % 2
    assert words.size == even // 2 * channels // 4

    def signed(word, bit):  # the int16 half's top nibble, as the kernel's AND leaves it (/ 4096)
        v = (int(word) >> bit) & 0xF
        return v - 16 if v >= 8 else v

    pos = 0
    for group in range(channels // 4):
        for pair in range(even // 2):
            for i in range(4):  # (word << 4i) & 0xF000F000: channel 4g + i, taps 2p and 2p + 1
                for tap, bit in ((2 * pair, 12 - 4 * i), (2 * pair + 1, 28 - 4 * i)):
                    want = w[tap, 4 * group + i] if tap < taps else 0
                    assert signed(words[pos], bit) == want, (group, pair, i, tap)
            pos += 1
