"""Kernels honour the overlap contract of docs/design.md at its tightest.

A random chain of spatial layers (CONV_2D, DEPTHWISE_CONV_2D, AVERAGE_POOL_2D, MAX_POOL_2D) then
ADD and SOFTMAX is generated twice: once with every tensor in its own bytes, once with each
output placed at the smallest distance from its input the contract allows (streaming overlap:
d + (r + 1) * out_row <= first_in_row(r + 1) * in_row; element-wise: the very same bytes).
Both binaries (ASan + UBSan) must give identical outputs.
"""
from __future__ import annotations

import numpy as np
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from mcugen import pipeline
from mcugen.arena import ArenaPlan
from mcugen.codegen import generate_sources
from mcugen.hostrun import build_host
from mcugen.ir import Graph, Op, Quant, Tensor
from mcugen.ops import lower_graph, quant
from tests.support.plans import fixed_plan, separate_plan

ALIGN = 16


def _q(rng, n: int = 1, axis: int = 0) -> Quant:
    return Quant(tuple(float(np.float32(rng.uniform(0.01, 0.05))) for _ in range(n)),
                 tuple(int(rng.integers(-20, 20)) if n == 1 else 0 for _ in range(n)), axis)


class ChainBuilder:
    """Builds a single-input chain graph, tensor by tensor (ids are positions)."""

    def __init__(self, rng, shape):
        self.rng, self.tensors, self.ops = rng, [], []
        self.current = self.add_tensor(shape, _q(rng))

    def add_tensor(self, shape, q, data=None, dtype="INT8"):
        t = Tensor(len(self.tensors), f"t{len(self.tensors)}", tuple(shape), dtype, q, data)
        self.tensors.append(t)
        return t.id

    def const(self, array, q, dtype):
        return self.add_tensor(array.shape, q, array.tobytes(), dtype)

    def op(self, kind, inputs, out_shape, options, out_q=None):
        out = self.add_tensor(out_shape, out_q or _q(self.rng))
        self.ops.append(Op(len(self.ops), kind, 1, tuple(inputs), (out,), options))
        self.current = out
        return out

    def spatial(self, kind, fh, fw, stride, dilation, padding, mult):
        _, h, w, c = self.tensors[self.current].shape
        oh = quant.out_size(padding, h, fh, stride, dilation)
        ow = quant.out_size(padding, w, fw, stride, dilation)
        opts = {"padding": padding, "stride_h": stride, "stride_w": stride, "fused_activation_function": "NONE"}
        if kind in ("AVERAGE_POOL_2D", "MAX_POOL_2D"):
            opts.update(filter_height=fh, filter_width=fw)
            out_q = self.tensors[self.current].quant  # tflite-micro's pooling requires it equal
            return self.op(kind, [self.current], (1, oh, ow, c), opts, out_q)
        opts.update(dilation_h_factor=dilation, dilation_w_factor=dilation)
        oc = c * mult if kind == "DEPTHWISE_CONV_2D" else int(self.rng.integers(1, 9))
        wshape = (1, fh, fw, oc) if kind == "DEPTHWISE_CONV_2D" else (oc, fh, fw, c)
        axis = 3 if kind == "DEPTHWISE_CONV_2D" else 0  # the output-channel axis of the weights
        weights = self.const(self.rng.integers(-127, 128, wshape, dtype=np.int8), _q(self.rng, oc, axis), "INT8")
        bias = self.const(self.rng.integers(-2000, 2000, (oc,), dtype=np.int32), None, "INT32")
        if kind == "DEPTHWISE_CONV_2D":
            opts["depth_multiplier"] = mult
        return self.op(kind, [self.current, weights, bias], (1, oh, ow, oc), opts)

    def graph(self):
        return Graph(tuple(self.tensors), tuple(self.ops), (0,), (self.current,))


def tightest_plan(graph: Graph, calls) -> ArenaPlan:
    """Each op's output at the smallest offset the overlap contract allows relative to its input."""
    offsets = {graph.inputs[0]: 0}
    for op in graph.ops:
        src, dst = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
        if op.kind in ("ADD", "SOFTMAX"):
            offsets[dst.id] = offsets[src.id]
            continue
        in_row = src.shape[2] * src.shape[3]
        out_row = dst.shape[2] * dst.shape[3]
        stride = int(op.options["stride_h"])
        fh = int(op.options.get("filter_height") or graph.tensor(op.inputs[1]).shape[1])
        dil = int(op.options.get("dilation_h_factor", 1))
        pad_top = quant.pad_before(op.options["padding"], src.shape[1], fh, stride, dil, dst.shape[1])
        # the contract bounds d from above; a single output row (computed whole in scratch)
        # may sit anywhere, so put it right on the input
        d = min((max(0, (r + 1) * stride - pad_top) * in_row - (r + 1) * out_row
                 for r in range(dst.shape[1] - 1)), default=0)
        offsets[dst.id] = offsets[src.id] + d
    low = min(offsets.values())
    offsets = {t: o - low for t, o in offsets.items()}
    end = max(o + graph.tensor(t).nbytes for t, o in offsets.items())
    end = (end + ALIGN - 1) // ALIGN * ALIGN
    scratch, pos = {}, end
    for op_index, n in pipeline.scratch_of(calls).items():
        scratch[op_index] = pos
        pos += (n + ALIGN - 1) // ALIGN * ALIGN
    return fixed_plan(pos, offsets, scratch, "tightest", ALIGN)


layer = st.tuples(st.sampled_from(["CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D"]),
                  st.integers(1, 4), st.integers(1, 4), st.integers(1, 3), st.integers(1, 2),
                  st.sampled_from(["SAME", "VALID"]), st.integers(1, 2))


# each example compiles two binaries: no shrinking (the failure message names the layers)
@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.too_slow],
          phases=(Phase.explicit, Phase.reuse, Phase.generate))
@given(layers=st.lists(layer, min_size=2, max_size=5), h=st.integers(6, 14), w=st.integers(3, 9),
       c=st.integers(1, 6), seed=st.integers(0, 2**31 - 1))
def test_tightest_overlap_equals_separate_buffers(layers, h, w, c, seed, tmp_path_factory):
    rng = np.random.default_rng(seed)
    chain = ChainBuilder(rng, (1, h, w, c))
    for kind, fh, fw, stride, dil, padding, mult in layers:
        _, ih, iw, _ = chain.tensors[chain.current].shape
        if kind.endswith("POOL_2D"):
            dil = 1
        if (fh - 1) * dil + 1 > ih or (fw - 1) * dil + 1 > iw:
            continue  # VALID would leave nothing; keep the chain non-empty
        chain.spatial(kind, fh, fw, stride, dil, padding, mult)
    shape = chain.tensors[chain.current].shape
    bias = chain.const(rng.integers(-128, 128, (shape[-1],), dtype=np.int8), _q(rng), "INT8")
    chain.op("SOFTMAX", [chain.current], shape, {"beta": 1.0}, Quant((1.0 / 256,), (-128,)))
    chain.op("ADD", [chain.current, bias], shape, {"fused_activation_function": "NONE"})
    graph = chain.graph()
    calls = lower_graph(graph)
    tmp = tmp_path_factory.mktemp("overlap")
    samples = [[rng.integers(-128, 128, (1, h, w, c), dtype=np.int8)] for _ in range(8)]
    runs = []
    for name, plan in (("separate", separate_plan(graph, pipeline.scratch_of(calls), ALIGN)),
                       ("tightest", tightest_plan(graph, calls))):
        program = build_host(generate_sources(graph, plan, calls), tmp / name, graph=graph)
        runs.append(program.run(samples))
    kinds = [(op.kind, op.options.get("stride_h"), op.options.get("padding")) for op in graph.ops]
    for a, b in zip(*runs):
        assert np.array_equal(a[0], b[0]), f"tightest overlap changed the result of {kinds}"
