"""SOFTMAX on 16x8 models (int16 in and out): Keras Softmax converted by TensorFlow's 16x8 mode
over several row lengths and input ranges, and the same op with other betas and input scales set
in the model (Keras's Softmax has no beta; TFLite's op does), bit-exact with tflite-micro under
both arena plans on int16 rows over the whole range and quieter ones. What tflite-micro's
Prepare rejects, and what would overflow its int32 arithmetic, mcugen refuses."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from mcugen.convert.tflite_reader import read_graph
from mcugen.ops import unsupported_reason
from tests.support.oracle import assert_exact, keras_sequential, random_samples, tf, tflm_accepts, to_int16
from tests.support.tflm_tables import edited_model, softmax16_model


def samples(model: bytes, count: int, seed: int) -> list:
    """Rows over the whole int16 range (one value dominates), 256 times quieter (spread
    probabilities), and rows of one repeated value (equal shares)."""
    loud = random_samples(model, count, seed)
    quiet = [[(x // 256).astype(np.int16) for x in sample] for sample in loud]
    flat = [[np.full_like(x, v) for x in loud[0]] for v in (-32768, 0, 32767)]
    return loud + quiet + flat


@pytest.mark.filterwarnings("ignore:You are using a softmax over axis -1")  # rows of one: all 1.0
@pytest.mark.parametrize("shape,limit", [((10,), 3.0), ((4, 7), 0.2), ((2, 3, 33), 12.0), ((1, 1000), 3.0),
                                         ((6, 1), 3.0)])
def test_keras_softmax_s16_is_bit_exact(shape, limit, tmp_path):
    model = to_int16(keras_sequential(shape, tf().keras.layers.Softmax()), low=-limit, high=limit)
    graph = read_graph(model)
    assert [op.kind for op in graph.ops] == ["SOFTMAX"]
    assert {graph.tensor(t).dtype for t in graph.activation_ids} == {"INT16"}
    assert assert_exact(model, samples(model, 4, seed=len(shape)), tmp_path) == {"softmax"}


@pytest.mark.parametrize("input_scale,beta", [(1e-4, 0.25), (3e-3, 2.0), (0.2, 7.5), (2.5e-6, 1.0), (4.0, 1.2)])
def test_softmax_s16_betas_and_scales_are_bit_exact(input_scale, beta, tmp_path):
    model = softmax16_model((5, 20), input_scale=input_scale, beta=beta)
    graph = read_graph(model)
    assert graph.ops[0].options["beta"] == pytest.approx(beta)
    assert assert_exact(model, samples(model, 3, seed=7), tmp_path) == {"softmax"}


def test_softmax_s16_refusals(tmp_path):
    model = softmax16_model((3, 8))
    graph = read_graph(model)
    (op,) = graph.ops
    assert unsupported_reason(graph, op) is None

    def changed(tid, **fields):
        tensors = list(graph.tensors)
        tensors[tid] = replace(tensors[tid], **fields)
        return replace(graph, tensors=tuple(tensors))

    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    assert "zero point" in unsupported_reason(changed(inp.id, quant=replace(inp.quant, zero_points=(3,))), op)
    assert "1/32768" in unsupported_reason(changed(out.id, quant=replace(out.quant, scales=(1 / 32000,))), op)
    # within 0.1% of 1/32768 is what tflite-micro's Prepare takes
    assert unsupported_reason(changed(out.id, quant=replace(out.quant, scales=(1.0005 / 32768,))), op) is None
    long_rows = replace(graph, tensors=tuple(replace(t, shape=(1, 65537)) if t.id in (inp.id, out.id) else t
                                             for t in graph.tensors))
    assert "65536" in unsupported_reason(long_rows, op)
    assert "overflow" in unsupported_reason(changed(inp.id, quant=replace(inp.quant, scales=(6.0,))), op)

    def output_scale(tree):
        g = tree.subgraphs[0]
        g.tensors[g.outputs[0]].quantization.scale = [1 / 32000]

    assert not tflm_accepts(edited_model(model, output_scale), tmp_path)  # so does tflite-micro's Prepare
