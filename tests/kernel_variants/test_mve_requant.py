"""The MVE kernels' requantization (mg_mve.h: VQRDMULH, a sign fix, VRSHL) against TFLM's
MultiplyByQuantizedMultiplier (mg_requantize), lane by lane, over random accumulators, every
shift TFLM makes (-31..30) and multipliers >= 0 with every count of trailing zero bits (where the
rounding ties are): on the host through mg_mve.h's plain-C intrinsics, and under QEMU mps3-an547
with the real instructions, so the emulation and the hardware are held to the same answers."""
from __future__ import annotations

import subprocess

import pytest

from mcugen.codegen import firmware_dir
from mcugen.hostrun import SANITIZE, WARNINGS, compile_c
from tests.support.bare_metal import run_bare

CHECK = r"""
#include "mg_mve.h"

static uint32_t state = 0x9E3779B9u;
static uint32_t next(void)
{
    state ^= state << 13; state ^= state >> 17; state ^= state << 5;
    return state;
}

/* an int32 whose magnitude is spread over every bit length, and the extremes */
static int32_t spread(void)
{
    const uint32_t len = next() % 33u, r = next() % 64u;
    const uint32_t mag = len == 0 ? 0u : (next() & (len >= 32 ? 0xFFFFFFFFu : (1u << len) - 1u));
    if (r == 0) return INT32_MIN;
    if (r == 1) return INT32_MAX;
    return (next() & 1u) ? -(int32_t)(mag >> 1) - 1 : (int32_t)(mag >> 1);
}

/* QuantizeMultiplier's range [2^30, 2^31) with 0..30 trailing zeros, or 0 */
static int32_t multiplier(void)
{
    const uint32_t zeros = next() % 31u;
    if (next() % 50u == 0) return 0;
    return (int32_t)((0x40000000u | (next() & 0x3FFFFFFFu)) & ~((1u << zeros) - 1u));
}

static int32_t in_range(int32_t lo, int32_t hi) { return lo + (int32_t)(next() % (uint32_t)(hi - lo + 1)); }

/* lanes of got that differ from mg_requantize(x, m[i], s[i]) */
static long differ(int32x4_t got, const int32_t *x, const int32_t *m, const int32_t *s)
{
    int32_t lane[4];
    long bad = 0;
    int i;
    vstrwq_s32(lane, got);
    for (i = 0; i < 4; ++i) bad += lane[i] != mg_requantize(x[i], m[i], s[i]);
    return bad;
}

long mve_requant_failures(long cases)
{
    long n, fails = 0;
    for (n = 0; n < cases; ++n) {
        int32_t x[4], m[4], s[4], m1[4], s1[4], right[4];
        int i;
        const int32_t one_m = multiplier(), one_s = in_range(-31, 30), one_r = in_range(-31, 0);
        for (i = 0; i < 4; ++i) {
            x[i] = spread();
            m[i] = multiplier();
            s[i] = in_range(-31, 30);
            m1[i] = one_m;
            s1[i] = one_s;
            right[i] = one_r;
        }
        {
            const int32x4_t acc = vldrwq_s32(x), mv = vldrwq_s32(m), sv = vldrwq_s32(s);
            int32_t lean[4];
            for (i = 0; i < 4; ++i) lean[i] = s[i] > 0 ? -s[i] : (s[i] == 0 ? -1 : s[i]);
            fails += differ(mg_mve_requantize_n(acc, one_m, one_s), x, m1, s1);
            fails += differ(mg_mve_requantize_any(acc, mv, sv), x, m, s);
            fails += differ(mg_mve_requantize_lean(acc, mv, vldrwq_s32(lean)), x, m, lean);
            fails += differ(mg_mve_requantize_right(acc, one_m, one_r, vdupq_n_s32(one_r)), x, m1, right);
        }
    }
    return fails;
}

#ifdef MG_HOST
#include <stdio.h>
int main(void)
{
    const long fails = mve_requant_failures(HOST_CASES);
    printf("checked %ld cases, %ld failures\n", (long)HOST_CASES, fails);
    return fails != 0;
}
#else
int main(void)
{
    const long fails = mve_requant_failures(DEVICE_CASES);
    return fails > 100 ? 100 : (int)fails;
}
#endif
"""


def _write(tmp_path):
    src = tmp_path / "mve_requant_check.c"
    src.write_text(CHECK)
    return src


def test_emulated_mve_requantization_equals_tflm(tmp_path):
    src = _write(tmp_path)
    exe = tmp_path / "check"
    compile_c([src], exe, [firmware_dir() / "include"],
              [*WARNINGS, "-O1", *SANITIZE, "-DMG_HOST", "-DHOST_CASES=400000"])
    proc = subprocess.run([str(exe)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0 and ", 0 failures" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.slow
def test_mve_requantization_equals_tflm_on_mps3_an547(tmp_path):
    """The real VQRDMULH/VRSHL/VSHL (QEMU's model of them) give TFLM's answers too."""
    src = _write(tmp_path)
    cflags = tmp_path / "cases.h"
    cflags.write_text("#define DEVICE_CASES 100000\n")
    (tmp_path / "main.c").write_text('#include "cases.h"\n#include "mve_requant_check.c"\n')
    status, console = run_bare("mps3_an547", [tmp_path / "main.c"], [firmware_dir() / "include", tmp_path],
                               tmp_path / "fw")
    assert status == 0, f"{status} failing lanes (capped at 100); console: {console[-2000:]}"
