"""The DSP kernels' requantization shortcuts against TFLM's MultiplyByQuantizedMultiplier
(mg_requantize), in C, over millions of inputs inside and at the edges of their preconditions:
mg_requantize_fast, mg_requantize_rs and the lean kernels' output stage mg_mm_out (with the zero
point and the clamp, in both walks' forms; its preconditions are what
mcugen.ops.variants_mm.lean_stage proves, tests/kernel_variants/test_lean_stage.py)."""
from __future__ import annotations

import subprocess

from mcugen.codegen import firmware_dir
from mcugen.hostrun import SANITIZE, WARNINGS, compile_c

PROGRAM = r"""
#include <stdio.h>
#include "mg_mm_dsp.h"

static uint64_t state = 0x9E3779B97F4A7C15ull;
static uint32_t next(void)
{
    state ^= state << 13; state ^= state >> 7; state ^= state << 17;
    return (uint32_t)(state >> 16);
}

/* an int32 whose magnitude is spread over every bit length below 2^bits */
static int32_t spread(int bits)
{
    const int len = (int)(next() % (uint32_t)(bits + 1));
    const uint32_t mag = len == 0 ? 0u : (next() & ((len >= 32 ? 0xFFFFFFFFu : (1u << len) - 1u)));
    return (next() & 1u) ? -(int32_t)(mag >> 1) - 1 : (int32_t)(mag >> 1);
}

int main(void)
{
    long i, fails = 0, checked = 0;
    for (i = 0; i < 3000000; ++i) {
        /* QuantizeMultiplier's range, and 0 */
        const int32_t m = (i % 97 == 0) ? 0 : (int32_t)(0x40000000u | (next() & 0x3FFFFFFFu));
        const int32_t x = spread(31);
        const int32_t shift = (int32_t)(next() % 62u) - 31; /* -31 .. 30 */
        const int32_t want = mg_requantize(x, m, shift);
        if (mg_requantize_fast(x, m, shift) != want) {
            if (fails++ < 5) printf("fast x=%ld m=%ld s=%ld\n", (long)x, (long)m, (long)shift);
        }
        /* mg_requantize_rs: right shifts only, |x| < 2^30 */
        {
            const int32_t xs = spread(31);
            const int32_t xr = xs >= (1 << 30) ? (1 << 30) - 1 : (xs < -(1 << 30) ? -(1 << 30) : xs);
            const int32_t rs = 1 + (int32_t)(next() % 31u);
            const int32_t got = mg_requantize_rs(xr, m, rs, (int32_t)(1u << (rs - 1)));
            if (got != mg_requantize(xr, m, -rs)) {
                if (fails++ < 5) printf("rs x=%ld m=%ld rs=%ld\n", (long)xr, (long)m, (long)rs);
            }
            checked++;
        }
    }
    {   /* the edges of the lean precondition */
        const int32_t xs[] = { (1 << 30) - 1, -(1 << 30), -1, 0, 1, 12345, -12345 };
        const int32_t ms[] = { 0x40000000, 0x7FFFFFFF, 0x5A5A5A5A, 0 };
        size_t a, b;
        int32_t rs;
        for (a = 0; a < sizeof xs / sizeof xs[0]; ++a)
            for (b = 0; b < sizeof ms / sizeof ms[0]; ++b)
                for (rs = 1; rs <= 31; ++rs, ++checked)
                    if (mg_requantize_rs(xs[a], ms[b], rs, (int32_t)(1u << (rs - 1)))
                        != mg_requantize(xs[a], ms[b], -rs)) {
                        if (fails++ < 5) printf("edge x=%ld m=%ld rs=%ld\n", (long)xs[a], (long)ms[b], (long)rs);
                    }
    }
    {   /* mg_mm_out where lean_stage admits it */
        long mm = 0;
        for (i = 0; i < 3000000; ++i) {
            const int32_t m = (i % 97 == 0) ? 0 : (int32_t)(0x40000000u | (next() & 0x3FFFFFFFu));
            const int32_t rs = 1 + (int32_t)(next() % 31u);
            const int32_t zp = (i % 3 == 0) ? -128 : (int32_t)(next() % 256u) - 128;
            const int32_t s = spread(30), acc = s >= (1 << 30) ? (1 << 30) - 1 : s;
            const int64_t c = (int64_t)(2 * zp + 1) * ((int64_t)1 << (rs - 1));
            const int64_t h = ((int64_t)2 * (acc < 0 ? -(int64_t)acc : acc) * m + ((int64_t)1 << 31)) >> 32;
            int32_t want;
            if ((c < 0 ? -c : c) + 2 + h > INT32_MAX) {
                continue;
            }
            want = mg_clamp_i32(mg_requantize(acc, m, -rs) + zp, -128, 127);
            if (mg_mm_out(acc, m, rs - 1, 2 * zp + 1, 1) != want
                || (zp == -128 && mg_mm_out(acc, m, rs - 1, 2 * zp + 1, 0) != want)) {
                if (fails++ < 5) printf("mm acc=%ld m=%ld rs=%ld zp=%ld\n", (long)acc, (long)m, (long)rs, (long)zp);
            }
            mm++;
        }
        printf("checked %ld output stages\n", mm);
    }
    printf("checked %ld lean cases, %ld failures\n", checked, fails);
    return fails != 0;
}
"""


def test_requantization_shortcuts_equal_tflm(tmp_path):
    src = tmp_path / "requant_check.c"
    src.write_text(PROGRAM)
    exe = tmp_path / "requant_check"
    compile_c([src], exe, [firmware_dir() / "include"], [*WARNINGS, "-O1", *SANITIZE])
    proc = subprocess.run([str(exe)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "checked 3000" in proc.stdout and ", 0 failures" in proc.stdout
    stages = int(proc.stdout.split("checked ")[1].split(" output stages")[0])
    assert stages > 1_000_000, proc.stdout
