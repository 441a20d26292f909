"""Every MLPerf Tiny model runs bit-exact under QEMU, each on a board of a different glue family
(STM32F4 bare registers, RV32 virt, CMSDK + SysTick, CMSDK + APB timer), self-test env only."""
from __future__ import annotations

import pytest

from mcugen.build.api import build

CASES = [
    ("kws/kws_ref_model.tflite", "netduinoplus2"),
    ("ic/pretrainedResnet_quant.tflite", "riscv32_virt"),
    ("vww/vww_96_int8.tflite", "mps3_an547"),
    ("ad/ad01_int8.tflite", "mps2_an500"),
]


@pytest.mark.slow
@pytest.mark.parametrize("model,board", CASES, ids=[f"{m.split('/')[0]}-{b}" for m, b in CASES])
def test_mlperf_tiny_model_passes_on_emulated_board(model, board, shared_models, tmp_path):
    result = build(shared_models / model, board, tmp_path / "fw", run=True, selftest_only=True)
    assert result.compiled and result.run is not None
    assert result.run.passed, result.run.console
    assert result.run.result_line.startswith("mcugen-selftest: PASS 3/3 samples bit-exact with tflite-micro")
    sizes = result.sizes[f"{board}_selftest"]
    assert sizes.ram_static >= result.arena_bytes > 0  # the arena is in the image's static RAM
    assert sizes.flash > result.estimate.weights  # weights live in flash
