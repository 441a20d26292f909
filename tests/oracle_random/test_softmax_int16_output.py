"""SOFTMAX with int8 input and int16 output (scale 1/65536, zero point -32768: TFLM's
Softmax<int8_t, int16_t>, the keyword model's last op) bit-exact with tflite-micro, on random
shapes, input quantizations and betas; and refused where tflite-micro's Prepare refuses."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.convert.tflite_reader import read_graph
from mcugen.ops import lower_graph, unsupported_reason
from tests.support.handmade import Spec, one_op_model
from tests.support.oracle import assert_exact, random_samples, tflm_accepts

UNIT = 1.0 / 65536


def softmax_model(shape: tuple[int, ...], input_scale: float, input_zero_point: int, beta: float,
                  output_scale: float = UNIT, output_zero_point: int = -32768) -> bytes:
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    options = schema.SoftmaxOptionsT()
    options.beta = beta
    tensors = [Spec(shape, "INT8", input_scale, input_zero_point),
               Spec(shape, "INT16", output_scale, output_zero_point)]
    return one_op_model("SOFTMAX", tensors, [0], [1], options)


def _random_case(seed: int) -> bytes:
    rng = np.random.default_rng(seed)
    rank = int(rng.integers(1, 5))
    shape = tuple(int(d) for d in rng.integers(1, 6, rank - 1)) + (int(rng.integers(1, 300)),)
    return softmax_model(shape, float(rng.uniform(0.01, 0.3)), int(rng.integers(-128, 128)),
                         float(rng.choice([1.0, rng.uniform(0.3, 3.0)])))


@pytest.mark.parametrize("seed", range(8))
def test_int8_to_int16_softmax_is_bit_exact(seed, tmp_path):
    model = _random_case(seed)
    graph = read_graph(model)
    assert [c.param("int16_output") for c in lower_graph(graph)] == [1]
    assert assert_exact(model, random_samples(model, 6, seed=seed), tmp_path) == {"softmax"}


def test_the_keyword_models_softmax(shared_models, tmp_path):
    """Its output scale is 1/65535, within TFLM's 0.1% of 1/65536; two classes, every input pair."""
    graph = read_graph((shared_models / "breadth" / "keyword_scrambled_8bit.tflite").read_bytes())
    op = next(op for op in graph.ops if op.kind == "SOFTMAX")
    inp, out = graph.tensor(op.inputs[0]), graph.tensor(op.outputs[0])
    assert (inp.dtype, out.dtype, out.quant.zero_point) == ("INT8", "INT16", -32768) and out.quant.scale != UNIT
    model = softmax_model(inp.shape, inp.quant.scale, inp.quant.zero_point, op.options["beta"], out.quant.scale)
    pairs = np.stack(np.meshgrid(np.arange(-128, 128), np.arange(-128, 128)), -1).reshape(-1, 2).astype(np.int8)
    assert_exact(model, [[pairs[i:i + 1]] for i in range(0, len(pairs), 97)], tmp_path, plans=(True,))


@pytest.mark.parametrize("scale,zero_point,accepted", [
    (UNIT * (1 + 0.0009), -32768, True), (UNIT * (1 + 0.0011), -32768, False), (1.0 / 32768, -32768, False),
    (UNIT, 0, False), (UNIT, -32767, False)])
def test_output_quantization_as_tflite_micro_requires(scale, zero_point, accepted, tmp_path):
    model = softmax_model((1, 10), 0.1, 3, 1.0, scale, zero_point)
    graph = read_graph(model)
    reason = unsupported_reason(graph, graph.ops[0])
    assert tflm_accepts(model, tmp_path) == accepted
    assert (reason is None) == accepted, reason
    if accepted:
        assert_exact(model, random_samples(model, 4, seed=1), tmp_path, plans=(False,))
    else:
        assert "scale 1/65536 and zero point -32768" in reason
