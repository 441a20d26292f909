"""gemmlowp's fixed-point arithmetic in Python, exact to the bit, for tables computed ahead of time.

TFLite Micro evaluates int8 LOGISTIC, TANH and HARD_SWISH per element with gemmlowp fixed-point
code (int32 and int16 raw values, saturating and rounding in specific places). An int8 input has
only 256 values, so mcugen runs that same arithmetic here once per value and the kernel becomes a
256-byte table lookup. Every helper models C integer semantics: int32 adds wrap, divisions
truncate toward zero, `>>` is arithmetic.
"""
from __future__ import annotations

INT32_MIN, INT32_MAX = -(1 << 31), (1 << 31) - 1
INT16_MIN, INT16_MAX = -(1 << 15), (1 << 15) - 1


def wrap(x: int, bits: int) -> int:
    """Two's complement wrap to `bits` (what int32/int16 overflow does on every target we build for)."""
    half = 1 << (bits - 1)
    return ((x + half) & ((1 << bits) - 1)) - half


def wrap32(x: int) -> int:
    return wrap(x, 32)


def wrap16(x: int) -> int:
    return wrap(x, 16)


def trunc_div(a: int, b: int) -> int:
    """C division: the quotient rounded toward zero."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def doubling_high_mul(a: int, b: int, bits: int, rounding: bool) -> int:
    """gemmlowp's (Saturating)(Rounding)DoublingHighMul on `bits`-bit raw values: a * b / 2^(bits-1),
    rounded half away from zero (`rounding`) or truncated, saturating the one overflow MIN * MIN."""
    lo = -(1 << (bits - 1))
    if a == b == lo:
        return -lo - 1
    ab = a * b
    nudge = 0 if not rounding else (1 << (bits - 2)) if ab >= 0 else 1 - (1 << (bits - 2))
    return wrap(trunc_div(ab + nudge, 1 << (bits - 1)), bits)


def srdhm(a: int, b: int) -> int:
    """int32 SaturatingRoundingDoublingHighMul: round(a * b / 2^31), saturating INT32_MIN^2."""
    return doubling_high_mul(a, b, 32, rounding=True)


def srdhm16(a: int, b: int) -> int:
    """int16 SaturatingRoundingDoublingHighMul."""
    return doubling_high_mul(a, b, 16, rounding=True)


def sdhm16(a: int, b: int) -> int:
    """TFLite's int16 SaturatingDoublingHighMul: like srdhm16 but truncating (no nudge)."""
    return doubling_high_mul(a, b, 16, rounding=False)


def rdbp(x: int, exponent: int) -> int:
    """RoundingDivideByPOT: x / 2^exponent, halves rounded away from zero."""
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> exponent) + (1 if remainder > threshold else 0)


def sat_shift_left32(x: int, exponent: int) -> int:
    """SaturatingRoundingMultiplyByPOT with a positive exponent on int32."""
    threshold = (1 << (31 - exponent)) - 1
    if x > threshold:
        return INT32_MAX
    if x < -threshold:
        return INT32_MIN
    return wrap32(x << exponent)


def sat_shift_left16(x: int, amount: int) -> int:
    """TFLite's SaturatingLeftShift on int16 (hard_swish.h)."""
    return max(INT16_MIN, min(INT16_MAX, x * (1 << amount)))


def rescale(x: int, src_int_bits: int, dst_int_bits: int) -> int:
    """gemmlowp Rescale<dst>(FixedPoint<int32, src>)."""
    exponent = src_int_bits - dst_int_bits
    if exponent > 0:
        return sat_shift_left32(x, exponent)
    if exponent < 0:
        return rdbp(x, -exponent)
    return x


def one(int_bits: int) -> int:
    """FixedPoint<int32, int_bits>::One()."""
    return INT32_MAX if int_bits == 0 else 1 << (31 - int_bits)


def rounding_half_sum(a: int, b: int) -> int:
    s = a + b
    return trunc_div(s + (1 if s >= 0 else -1), 2)


def multiply_by_quantized_multiplier(x: int, multiplier: int, shift: int) -> int:
    """TFLM MultiplyByQuantizedMultiplier, double-rounding build (the default)."""
    left = shift if shift > 0 else 0
    right = 0 if shift > 0 else -shift
    return rdbp(srdhm(wrap32(x * (1 << left)), multiplier), right)


def _exp_on_interval_between_negative_one_quarter_and_0_excl(a: int) -> int:
    """exp(a) for a in [-1/4, 0), Q0.31 in and out (Taylor series around -1/8)."""
    constant_term = 1895147668  # exp(-1/8)
    constant_1_over_3 = 715827883
    x = wrap32(a + (1 << 28))
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    x4_over_4 = rdbp(x4, 2)
    poly = rdbp(wrap32(srdhm(wrap32(x4_over_4 + x3), constant_1_over_3) + x2), 1)
    return wrap32(constant_term + srdhm(constant_term, wrap32(x + poly)))


# exp(-2^k) in Q0.31 for the barrel shifter, k = -2 .. 4
_EXP_BARREL = ((-2, 1672461947), (-1, 1302514674), (0, 790015084), (1, 290630308),
               (2, 39332535), (3, 720401), (4, 242))


def exp_on_negative_values(a: int, int_bits: int) -> int:
    """exp(a) for a <= 0 given with `int_bits` integer bits; result Q0.31."""
    frac_bits = 31 - int_bits
    one_quarter = 1 << (frac_bits - 2)
    a_mod_quarter_minus_one_quarter = wrap32((a & (one_quarter - 1)) - one_quarter)
    result = _exp_on_interval_between_negative_one_quarter_and_0_excl(
        rescale(a_mod_quarter_minus_one_quarter, int_bits, 0))
    remainder = wrap32(a_mod_quarter_minus_one_quarter - a)
    for exponent, multiplier in _EXP_BARREL:
        if int_bits > exponent and remainder & (1 << (frac_bits + exponent)):
            result = srdhm(result, multiplier)
    if int_bits > 5:
        clamp = -(1 << (36 - int_bits))
        if a < clamp:
            result = 0
    return INT32_MAX if a == 0 else result


def _newton_reciprocal_x(a: int) -> int:
    """Shared Newton-Raphson loop of gemmlowp's 1/(1+a) and (1-a)/(1+a): ~1/(1+a) in Q2.29."""
    half_denominator = rounding_half_sum(a, INT32_MAX)
    x = wrap32(1515870810 + srdhm(half_denominator, -1010580540))  # 48/17 - 32/17 * d
    for _ in range(3):
        half_denominator_times_x = srdhm(half_denominator, x)
        one_minus = wrap32(one(2) - half_denominator_times_x)
        x = wrap32(x + rescale(srdhm(x, one_minus), 4, 2))
    return x


def one_over_one_plus_x_for_x_in_0_1(a: int) -> int:
    x = _newton_reciprocal_x(a)
    return rescale(x, 1, 0)  # ExactMulByPot<-1> turns Q2.29 into Q1.30 with the same raw value


def one_minus_x_over_one_plus_x_for_x_in_0_1(a: int) -> int:
    x = _newton_reciprocal_x(a)
    return rescale(wrap32(x - one(2)), 2, 0)


def logistic(a: int, int_bits: int) -> int:
    """gemmlowp::logistic on FixedPoint<int32, int_bits>; result Q0.31."""
    if a == 0:
        return 1 << 30
    abs_input = a if a > 0 else wrap32(-a)
    positive = one_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(wrap32(-abs_input), int_bits))
    return positive if a > 0 else wrap32(INT32_MAX - positive)


def tanh(a: int, int_bits: int) -> int:
    """gemmlowp::tanh on FixedPoint<int32, int_bits>; result Q0.31."""
    if a == 0:
        return 0
    n = a if a < 0 else wrap32(-a)
    # neg_tanh_on_negative_values: exp of 2n, i.e. the same raw value with one more integer bit
    t = one_minus_x_over_one_plus_x_for_x_in_0_1(exp_on_negative_values(n, int_bits + 1))
    return wrap32(-t) if a < 0 else t
