"""mg_types.h fixed-point helpers against their Python twins (mcugen.ops.quant), and TFLM's
QuantizeMultiplier semantics on known values."""
from __future__ import annotations

import ctypes
import math
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcugen.codegen import firmware_dir
from mcugen.ops import fixedpoint, quant

INT32 = st.integers(-(1 << 31), (1 << 31) - 1)


@pytest.fixture(scope="module")
def helpers(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("fixed")
    src = tmp / "helpers.c"
    src.write_text('#include "mg_types.h"\n'
                   "int32_t srdhm(int32_t a, int32_t b) { return mg_srdhm(a, b); }\n"
                   "int32_t rdbp(int32_t x, int32_t e) { return mg_rounding_divide_by_pot(x, (int)e); }\n"
                   "int32_t requantize(int32_t x, int32_t m, int32_t s) { return mg_requantize(x, m, s); }\n")
    lib = tmp / "libhelpers.so"
    subprocess.run(["gcc", "-std=c99", "-O2", "-Wall", "-Wextra", "-Werror", "-shared", "-fPIC",
                    f"-I{firmware_dir() / 'include'}", str(src), "-o", str(lib)], check=True)
    dll = ctypes.CDLL(str(lib))
    for name in ("srdhm", "rdbp", "requantize"):
        getattr(dll, name).restype = ctypes.c_int32
        getattr(dll, name).argtypes = [ctypes.c_int32] * (3 if name == "requantize" else 2)
    return dll


@settings(max_examples=400, deadline=None)
@given(a=INT32, b=INT32, e=st.integers(0, 31))
def test_srdhm_and_rounding_shift_match_python(helpers, a, b, e):
    assert helpers.srdhm(a, b) == fixedpoint.srdhm(a, b)
    assert helpers.rdbp(a, e) == fixedpoint.rdbp(a, e)


@settings(max_examples=400, deadline=None)
@given(x=st.integers(-(1 << 24), 1 << 24), real=st.floats(1e-6, 60.0))
def test_requantize_matches_python_and_the_real_product(helpers, x, real):
    m, s = quant.quantize_multiplier(real)
    got = helpers.requantize(x, m, s)
    assert got == fixedpoint.multiply_by_quantized_multiplier(x, m, s)
    assert abs(got - x * real) <= 1 + abs(x * real) * 2 ** -29


def test_edge_values(helpers):
    assert helpers.srdhm(-(1 << 31), -(1 << 31)) == (1 << 31) - 1  # the one saturating case
    assert helpers.rdbp(-5, 1) == -3 and helpers.rdbp(5, 1) == 3 and helpers.rdbp(-4, 1) == -2


@pytest.mark.parametrize("real,expected", [
    (0.0, (0, 0)),
    (0.5, (1 << 30, 0)),
    (1.0, (1 << 30, 1)),
    (0.75, (3 << 29, 0)),
    (2.0 ** -40, (0, 0)),  # below 2^-31: flushed to zero like TFLM
    (1.0 - 2.0 ** -33, (1 << 30, 1)),  # rounds up to 2^31: halved, shift + 1
])
def test_quantize_multiplier_known_values(real, expected):
    assert quant.quantize_multiplier(real) == expected


def test_tflite_round_is_half_away_from_zero():
    assert [quant.tflite_round(v) for v in (0.5, 1.5, 2.5, -0.5, -2.5)] == [1, 2, 3, -1, -3]
    assert math.isclose(quant.tflite_round(2.4999), 2)
