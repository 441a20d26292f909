"""The float-vs-int8 comparison: metrics on known arrays, and the int8 runner against TFLite directly."""
from __future__ import annotations

import math

import numpy as np

from mcugen.convert.quant_report import compare, dequantize, quantize, run_int8
from mcugen.convert.tflite_reader import read_graph


def test_classifier_outputs_get_top1_agreement():
    ref = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.5, 0.25, 0.25]])
    approx = np.array([[0.6, 0.3, 0.1], [0.5, 0.4, 0.1], [0.2, 0.3, 0.5], [0.4, 0.3, 0.3]])
    q = compare("probs", ref, approx)
    assert q.classifier and q.top1_agreement == 0.75
    assert math.isclose(q.max_abs_error, 0.4)


def test_regression_outputs_get_snr_and_max_error():
    ref = np.array([[3.0, -4.0], [1.0, 2.0]])
    approx = ref + np.array([[0.1, 0.0], [0.0, -0.2]])
    q = compare("values", ref, approx)
    assert not q.classifier and q.top1_agreement is None
    expected = 10 * math.log10((9 + 16 + 1 + 4) / (0.01 + 0.04))
    assert math.isclose(q.snr_db, expected, rel_tol=1e-9)
    assert math.isclose(q.max_abs_error, 0.2, rel_tol=1e-9)
    assert math.isinf(compare("same", ref, ref.copy()).snr_db)


def test_one_output_column_is_not_a_classifier():
    ref = np.array([[1.0], [1.0]])  # sums to 1, but a single value is no class choice
    assert not compare("p", ref, ref).classifier


def test_int8_runner_matches_litert_on_the_kws_sample(shared_models):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    buf = (shared_models / "kws/kws_ref_model.tflite").read_bytes()
    graph = read_graph(buf)
    q_in = np.frombuffer((shared_models / "kws/samples/kws_input_data_int8_1x49x10x1.bin").read_bytes(),
                         np.int8).reshape(1, 49, 10, 1)
    x = dequantize(q_in, graph.tensors[graph.inputs[0]])
    np.testing.assert_array_equal(quantize(x, graph.tensors[graph.inputs[0]]), q_in)  # exact round trip
    (ours,) = run_int8(buf, graph, [x])

    it = Interpreter(model_content=buf, experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    it.set_tensor(it.get_input_details()[0]["index"], q_in)
    it.invoke()
    direct = it.get_tensor(it.get_output_details()[0]["index"])
    np.testing.assert_array_equal(ours, dequantize(direct, graph.tensors[graph.outputs[0]]))
    assert math.isclose(float(ours.sum()), 1.0, abs_tol=0.05)  # dequantized softmax
