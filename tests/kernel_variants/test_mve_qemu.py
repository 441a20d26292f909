"""The MVE kernels as mps3_an547 (Cortex-M55, QEMU mps3-an547) runs them: built with the board's
flags (arm_mve.h, the real instructions), run by the self-test firmware, every output byte
compared with tflite-micro on the device. Also: on that board the mve kernels take at most half
the instructions the dsp ones took when issue 15 set the target (KWS 5,415,219), and fewer than
the dsp ones take now."""
from __future__ import annotations

import pytest

from mcugen.boards import load_board
from mcugen.project.api import build
from tests.support.boards import instructions_with_variant

from .test_mve_host import MVE_KERNELS, edge_chain, parallel_chains

pytestmark = pytest.mark.slow


def test_mps3_an547_selects_the_mve_kernels():
    assert load_board("mps3_an547").kernel_variant == "mve"


@pytest.mark.parametrize("name", ["edges", "random"])
def test_chains_bit_exact_on_mps3_an547(name, tmp_path):
    """The edge chain, and 10 random chains in one model (one build, one QEMU run)."""
    model = tmp_path / "model.tflite"
    model.write_bytes(edge_chain(2) if name == "edges" else parallel_chains(seed=1, count=10))
    result = build(model, "mps3_an547", tmp_path / "fw", run=True)
    assert result.run is not None and result.run.passed, result.run and result.run.console
    sources = {p.name for p in (tmp_path / "fw" / "src").iterdir()}
    assert {f"{k}_s8.c" for k in MVE_KERNELS} <= sources


DSP_KWS_WHEN_TARGET_SET = 5_415_219  # issue 15: mps3_an547, dsp variant, sum of its layers


def test_kws_mve_takes_half_the_instructions_of_dsp(shared_models, tmp_path, monkeypatch):
    model = shared_models / "kws/kws_ref_model.tflite"
    mve_n = instructions_with_variant(model, "mps3_an547", "mve", tmp_path, monkeypatch)
    dsp_n = instructions_with_variant(model, "mps3_an547", "dsp", tmp_path, monkeypatch)
    print(f"kws on mps3_an547: mve {mve_n:,} vs dsp {dsp_n:,} instructions per inference")
    assert mve_n <= DSP_KWS_WHEN_TARGET_SET / 2 and mve_n < dsp_n
