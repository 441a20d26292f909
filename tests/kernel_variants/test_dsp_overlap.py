"""The DSP and the MVE kernels honour the overlap contract at its tightest: random chains of
spatial layers (tests/kernels/test_overlap_contract.py builds them and the tightest plan)
generated with the dsp or the mve variant give the same bytes with every output packed against
its input as with separate buffers, and the same bytes as the portable kernels."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mcugen import pipeline
from mcugen.arena import step_loads
from mcugen.codegen import generate_sources
from mcugen.hostrun import build_host
from mcugen.ir import Quant
from mcugen.ops import lower_graph
from mcugen.ops.variants import specialise
from tests.support.plans import separate_plan

_spec = importlib.util.spec_from_file_location(
    "overlap_contract", Path(__file__).resolve().parents[1] / "kernels" / "test_overlap_contract.py")
overlap = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(overlap)

layer = st.tuples(st.sampled_from(["CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D"]),
                  st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(1, 2),
                  st.sampled_from(["SAME", "VALID"]))


@pytest.mark.slow
@pytest.mark.parametrize("variant", ["dsp", "mve"])
@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(layers=st.lists(layer, min_size=2, max_size=5), h=st.integers(5, 12), w=st.integers(3, 9),
       c=st.sampled_from([4, 8, 3, 12]), seed=st.integers(0, 2**31 - 1))
def test_variant_kernels_at_the_tightest_overlap(variant, layers, h, w, c, seed, tmp_path_factory):
    import mcugen.ops.variants_wide as variants_wide

    # dsp: int16 weights wherever they can go (conv_2d_1x1_x16_dsp writes `out` only after reading
    # all of `in`; the other kernels widen their weights into scratch first)
    saved = variants_wide.CODE_GAIN, variants_wide.WIDEN_COST, variants_wide.HEADROOM
    variants_wide.CODE_GAIN, variants_wide.WIDEN_COST, variants_wide.HEADROOM = 0, 0, 1000.0
    try:
        _at_the_tightest_overlap(variant, layers, h, w, c, seed, tmp_path_factory)
    finally:
        variants_wide.CODE_GAIN, variants_wide.WIDEN_COST, variants_wide.HEADROOM = saved


def _at_the_tightest_overlap(variant, layers, h, w, c, seed, tmp_path_factory):
    rng = np.random.default_rng(seed)
    chain = overlap.ChainBuilder(rng, (1, h, w, c))
    for kind, fh, fw, stride, dil, padding in layers:
        _, ih, iw, _ = chain.tensors[chain.current].shape
        if kind.endswith("POOL_2D"):
            dil = 1
        if (fh - 1) * dil + 1 > ih or (fw - 1) * dil + 1 > iw:
            continue
        chain.spatial(kind, fh, fw, stride, dil, padding, 1)
    shape = chain.tensors[chain.current].shape
    bias = chain.const(rng.integers(-128, 128, (shape[-1],), dtype=np.int8), overlap._q(rng), "INT8")
    chain.op("ADD", [chain.current, bias], shape, {"fused_activation_function": "NONE"},
             Quant((0.05,), (3,)))
    graph = chain.graph()
    portable = lower_graph(graph)
    fast = specialise(graph, portable, variant, step_loads=lambda scratch: step_loads(graph, scratch))
    tmp = tmp_path_factory.mktemp(f"{variant}_overlap")
    samples = [[rng.integers(-128, 128, (1, h, w, c), dtype=np.int8)] for _ in range(6)]
    runs = {}
    for name, calls, plan in (
            ("portable", portable, separate_plan(graph, pipeline.scratch_of(portable), overlap.ALIGN)),
            ("separate", fast, separate_plan(graph, pipeline.scratch_of(fast), overlap.ALIGN)),
            ("tightest", fast, overlap.tightest_plan(graph, fast))):
        runs[name] = build_host(generate_sources(graph, plan, calls), tmp / name.replace(" ", "_"),
                                graph=graph).run(samples)
    kinds = [(op.kind, op.options.get("stride_h"), op.options.get("padding")) for op in graph.ops]
    used = sorted({c.kernel for c in fast})
    for a, b, t in zip(runs["portable"], runs["separate"], runs["tightest"]):
        assert np.array_equal(a[0], b[0]), f"{variant} differs from portable on {kinds} ({used})"
        assert np.array_equal(b[0], t[0]), f"tightest overlap changed the {variant} result of {kinds} ({used})"
