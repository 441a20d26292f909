"""Every MLPerf Tiny model runs bit-exact under QEMU, each on a board of a different glue family
(STM32F4 bare registers, RV32 virt, CMSDK + SysTick, CMSDK + APB timer, Xtensa sim), self-test env
only; and the emulated Cortex-M0 (16 KiB RAM, 256 KiB flash, like the real nRF51822) says which do not fit."""
from __future__ import annotations

import re

import pytest

from mcugen.project.api import build
from mcugen.project.files import selftest_sample_count
from mcugen.convert.tflite_reader import read_graph


def result_graph(model, shared_models):
    return read_graph((shared_models / model).read_bytes())

CASES = [
    ("kws/kws_ref_model.tflite", "netduinoplus2"),
    ("ic/pretrainedResnet_quant.tflite", "riscv32_virt"),
    ("vww/vww_96_int8.tflite", "mps3_an547"),
    ("ad/ad01_int8.tflite", "mps2_an500"),
    ("ic/pretrainedResnet_quant.tflite", "mps2_an505"),  # Cortex-M33, TrustZone Secure aliases
    ("kws/kws_ref_model.tflite", "xtensa_lx106_sim"),  # the Xtensa sim: semihosting, ICOUNT, call0
]


@pytest.mark.slow
@pytest.mark.parametrize("model,board", CASES, ids=[f"{m.split('/')[0]}-{b}" for m, b in CASES])
def test_mlperf_tiny_model_passes_on_emulated_board(model, board, shared_models, tmp_path):
    result = build(shared_models / model, board, tmp_path / "fw", run=True, selftest_only=True)
    assert result.compiled and result.run is not None
    assert result.run.passed, result.run.console
    passed = re.match(r"mcugen-selftest: PASS (\d)/(\d) samples bit-exact with tflite-micro", result.run.result_line)
    assert passed and passed.group(1) == passed.group(2) == str(selftest_sample_count(result_graph(model, shared_models)))
    sizes = result.sizes[f"{board}_selftest"]
    assert sizes.ram_static >= result.arena_bytes > 0  # the arena is in the image's static RAM
    assert sizes.flash > result.estimate.weights  # weights live in flash


@pytest.mark.parametrize("model,why", [("vww/vww_96_int8.tflite", "RAM"), ("ic/pretrainedResnet_quant.tflite", "RAM"),
                                       ("ad/ad01_int8.tflite", "flash")])
def test_models_beyond_the_m0_board_are_refused_before_any_work(model, why, shared_models, tmp_path):
    from mcugen.errors import BoardError

    with pytest.raises(BoardError, match=f"does not fit microbit: needs .* {why}"):
        build(shared_models / model, "microbit", tmp_path / "fw", compile_mode="no")
    assert not (tmp_path / "fw").exists()
