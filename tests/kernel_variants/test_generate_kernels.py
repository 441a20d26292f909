"""`mcugen generate --kernels dsp`: the library a user drops into a Cortex-M4 project."""
from __future__ import annotations

import subprocess
import sys


def test_generate_dsp_library(shared_models, tmp_path):
    out = tmp_path / "lib"
    proc = subprocess.run([sys.executable, "-m", "mcugen", "generate", str(shared_models / "ad/ad01_int8.tflite"),
                           "-o", str(out), "--kernels", "dsp", "--no-size"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    files = {p.name for p in out.iterdir()}
    # the lean FULLY_CONNECTED kernel, its shared helpers and their one source
    assert {"fully_connected_quad_dsp_s8.c", "fully_connected_quad_dsp_s8.h", "mg_dsp.h", "mg_mm_dsp.h",
            "mg_mm_dsp.c", "model.c"} <= files
    assert "fully_connected_s8.c" not in files
    assert "mg_fully_connected_quad_dsp_s8(" in (out / "model.c").read_text()


def test_generate_help_names_the_variants():
    proc = subprocess.run([sys.executable, "-m", "mcugen", "generate", "--help"], capture_output=True, text=True)
    assert proc.returncode == 0 and "--kernels [portable|dsp|rv32|m0|mve|xtensa]" in proc.stdout


def test_generate_dsp_refuses_a_byte_aligned_arena(shared_models, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "mcugen", "generate", str(shared_models / "ad/ad01_int8.tflite"),
                           "-o", str(tmp_path / "lib"), "--kernels", "dsp", "--align", "2", "--no-size"],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "--align 4" in proc.stderr and "Traceback" not in proc.stderr
    assert not (tmp_path / "lib").exists()
