"""`mcugen plan` end to end, in-process through mcugen.cli.main."""
from __future__ import annotations

import json
from pathlib import Path

from mcugen.cli import main
from mcugen.oracle import tflm_arena_usage

MODELS = Path(__file__).resolve().parents[2] / "../shared/models"
KWS = str((MODELS / "kws/kws_ref_model.tflite").resolve())


def test_plan_json_compares_with_tflm(capsys):
    assert main(["plan", KWS, "--time-budget", "0.3", "--json", "--no-scratch"]) == 0
    out = json.loads(capsys.readouterr().out)
    head = tflm_arena_usage(KWS).head
    assert out["tflm_head_bytes"] == head and out["kernel_scratch_bytes"] == 0
    assert out["arena_bytes"] < out["arena_bytes_no_inplace"] <= out["tflm_head_bytes"]
    assert out["optimal_no_inplace"] is True
    assert out["arena_bytes_no_inplace"] == out["lower_bound_bytes_no_inplace"]
    assert out["gap_bytes"] == out["arena_bytes"] - out["lower_bound_bytes"]
    tensors = out["tensors"]
    assert {"name", "offset", "size", "first", "last"} <= set(tensors[0])
    assert all(t["offset"] + t["size"] <= out["arena_bytes"] for t in tensors)
    assert tensors[0]["first"] == 0 and max(t["last"] for t in tensors) == 12
    # with the scratch rows mcugen's streaming kernels need, in-place still beats TFLM's head
    assert main(["plan", KWS, "--time-budget", "0.3", "--json", "--no-tflm"]) == 0
    with_scratch = json.loads(capsys.readouterr().out)
    assert with_scratch["kernel_scratch_bytes"] > 0 and with_scratch["scratch"]
    assert out["arena_bytes"] <= with_scratch["arena_bytes"] < head


def test_plan_table_plot_and_offline_model(capsys, tmp_path):
    svg, png, offline = tmp_path / "kws.svg", tmp_path / "kws.png", tmp_path / "kws_planned.tflite"
    assert main(["plan", KWS, "--time-budget", "0.3", "--no-tflm", "--no-inplace", "--plot", str(svg),
                 "--tflm-offline", str(offline)]) == 0
    captured = capsys.readouterr()
    assert "mcugen, no in-place" in captured.out and "TFLite Micro" not in captured.out
    text = svg.read_text()
    assert text.lstrip().startswith("<?xml")
    assert all(f"t{tid} 25x5x64" in text for tid in range(22, 31))  # every 8000-byte tensor labelled
    assert tflm_arena_usage(str(offline)).head == 16_000  # the no-aliasing optimum, planned offline
    assert main(["plan", KWS, "--time-budget", "0.3", "--no-tflm", "--plot", str(png), "--align", "64"]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "align 64" in capsys.readouterr().out


def test_plan_errors_are_one_line_with_a_hint(capsys, tmp_path):
    assert main(["plan", KWS, "--time-budget", "0.3", "--no-tflm", "--plot", str(tmp_path / "x.bmp")]) == 2
    err = capsys.readouterr().err
    assert "error: cannot draw a plot as .bmp" in err and "hint:" in err
    assert main(["plan", KWS, "--time-budget", "0.3", "--no-tflm", "--align", "12"]) == 2
    assert "power of two" in capsys.readouterr().err
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"not a model")
    assert main(["plan", str(bad)]) == 2
    assert "Traceback" not in capsys.readouterr().err


def test_plan_for_a_board_uses_its_kernels_scratch(capsys):
    assert main(["plan", KWS, "--time-budget", "0.3", "--json", "--no-tflm", "--board", "netduinoplus2"]) == 0
    dsp = json.loads(capsys.readouterr().out)
    assert main(["plan", KWS, "--time-budget", "0.3", "--json", "--no-tflm"]) == 0
    portable = json.loads(capsys.readouterr().out)
    assert dsp["board"] == "netduinoplus2" and dsp["align"] == 16
    assert dsp["kernel_scratch_bytes"] != portable["kernel_scratch_bytes"]  # DSP kernels need im2col room
    assert dsp["arena_bytes"] >= dsp["lower_bound_bytes"]
    assert main(["plan", KWS, "--time-budget", "0.3", "--no-tflm", "--board", "no_such_board"]) == 2
