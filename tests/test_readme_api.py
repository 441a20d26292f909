"""The README's "From Python" example runs as written (on the shared KWS model)."""
from __future__ import annotations

import re
import shutil

from tests.conftest import REPO


def test_readme_pipeline_example_runs(shared_models, tmp_path, monkeypatch, capsys):
    text = (REPO / "README.md").read_text()
    section = text[text.index("## From Python: the pipeline API"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    shutil.copyfile(shared_models / "kws/kws_ref_model.tflite", tmp_path / "kws_ref_model.tflite")
    shutil.copyfile(shared_models / "ic/pretrainedResnet_quant.tflite", tmp_path / "pretrainedResnet_quant.tflite")
    (tmp_path / "kws_lib").mkdir()
    monkeypatch.chdir(tmp_path)
    exec(compile(code, "README.md", "exec"), {})
    printed = capsys.readouterr().out.split("\n")
    size, optimal, kernels = printed[0].split(" ", 2)
    assert int(size) > 0 and optimal in ("True", "False")
    assert re.search(r"'conv_2d_\w*dsp_s8\.c'", kernels)  # the board's DSP kernels were chosen
    head, planned = (int(v) for v in printed[1].split())
    assert planned < head  # in-place planning beats TFLite Micro's head on KWS
    assert (tmp_path / "kws_lib" / "model.c").is_file()
    shared, separate, kernels = printed[2].split(" ", 2)  # two models, one library
    names = re.findall(r"'([\w.]+)'", kernels)
    assert int(shared) < int(separate) and "conv_2d_1x1_dsp_s8.c" in names and len(names) == len(set(names))
