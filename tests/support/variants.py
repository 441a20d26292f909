"""What the per-variant host suites (dsp, m0, mve, xtensa) share: each shared model run through
the variant's kernels and checked bit-exact against tflite-micro."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.oracle import assert_exact, random_samples

# the quick models in every run, the big ones in the slow tier
SHARED_MODEL_NAMES = ["kws", "ad", "hello_world",
                      pytest.param("vww", marks=pytest.mark.slow), pytest.param("ic", marks=pytest.mark.slow)]


def shared_model_kernels(shared_models: Path, path: str, variant: str, tmp_path: Path, seed: int = 1) -> set[str]:
    """The kernels `variant` ran for shared model `path` (under ../shared/models), its outputs
    bit-exact with tflite-micro on 3 random samples. The in-place plan only: the one where the
    kernels' streaming overlap matters."""
    model = (shared_models / path).read_bytes()
    return assert_exact(model, random_samples(model, 3, seed=seed), tmp_path, plans=(True,), variant=variant)
