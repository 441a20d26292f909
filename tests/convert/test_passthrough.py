"""An int8 .tflite passes through convert unchanged, without importing TensorFlow."""
from __future__ import annotations

import subprocess
import sys

from mcugen.cli import main


def test_default_output_is_stem_int8_in_the_current_directory(tmp_path, monkeypatch, capsys, shared_models):
    source = shared_models / "kws/kws_ref_model.tflite"
    monkeypatch.chdir(tmp_path)
    assert main(["convert", str(source), "-c", "ignored.npy"]) == 0
    written = tmp_path / "kws_ref_model_int8.tflite"
    assert written.read_bytes() == source.read_bytes()
    err = capsys.readouterr().err
    assert "already int8" in err and "not used" in err


def test_passthrough_never_imports_tensorflow(shared_models):
    code = ("import sys; from mcugen.convert import convert_model; "
            f"r = convert_model({str(shared_models / 'vww/vww_96_int8.tflite')!r}); "
            "assert r.report is None and r.source_kind == 'tflite' and len(r.graph.ops) == 31; "
            "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules; print('ok')")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "ok"


def test_output_into_a_directory_and_unwritable_output(tmp_path, capsys, shared_models):
    source = shared_models / "hello_world/hello_world_int8.tflite"
    assert main(["convert", str(source), "-o", str(tmp_path)]) == 0
    assert (tmp_path / "hello_world_int8_int8.tflite").read_bytes() == source.read_bytes()
    blocker = tmp_path / "file"
    blocker.write_text("x")
    assert main(["convert", str(source), "-o", str(blocker / "sub" / "out.tflite")]) == 2
    err = capsys.readouterr().err
    assert "error: cannot write" in err and "Traceback" not in err
