"""Keras models as users build them: several outputs, Rescaling and Normalization at the input.
They convert (Rescaling/Normalization become MUL/SUB) and run bit-exact under QEMU."""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from tests.faults.conftest import run_mcugen

MODEL = textwrap.dedent("""
    import sys, keras
    i = keras.Input((8, 8, 3))
    x = keras.layers.Rescaling(1 / 255.0)(i)
    x = keras.layers.Normalization(mean=[0.5, 0.4, 0.3], variance=[0.1, 0.2, 0.3])(x)
    x = keras.layers.Conv2D(4, 3, activation="relu")(x)
    f = keras.layers.Flatten()(x)
    keras.Model(i, [keras.layers.Dense(3, activation="softmax", name="cls")(f),
                    keras.layers.Dense(2, name="box")(f)]).save(sys.argv[1])
""")


@pytest.mark.slow
def test_two_outputs_with_rescaling_and_normalization_run_bit_exact(tmp_path):
    model = tmp_path / "two_out.keras"
    subprocess.run([sys.executable, "-c", MODEL, str(model)], check=True, capture_output=True, timeout=300)
    proc = run_mcugen("build", str(model), "--board", "mps2_an386", "--run", "-o", str(tmp_path / "fw"),
                      cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "PASS 3/3 samples bit-exact" in proc.stderr
    report = json.loads((tmp_path / "fw" / "mcugen.json").read_text())["quantization"]
    assert sorted(o["kind"] for o in report["outputs"]) == ["classifier", "values"]  # one row per output
    assert next(o for o in report["outputs"] if o["kind"] == "classifier")["top1_agreement"] >= 0.9
    lowered = next(line for line in proc.stderr.splitlines() if "] lower" in line)
    assert "MUL" in lowered and "SUB" in lowered  # Rescaling and Normalization, kept as int8 ops
