"""SOFTMAX's exp() table stops at its last non-zero entry and the kernel reads 0 past it: rows
whose differences to their maximum run past the table stay bit-exact with tflite-micro."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.convert.tflite_reader import read_graph
from mcugen.ops import lower_graph
from tests.support.handmade import Spec, one_op_model
from tests.support.oracle import assert_exact


def softmax_int8(depth: int, input_scale: float, beta: float) -> bytes:
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    options = schema.SoftmaxOptionsT()
    options.beta = beta
    tensors = [Spec((1, depth), "INT8", input_scale, 5), Spec((1, depth), "INT8", 1.0 / 256, -128)]
    return one_op_model("SOFTMAX", tensors, [0], [1], options)


@pytest.mark.parametrize("input_scale,beta", [(0.25, 1.0), (0.12, 1.0), (0.06, 1.0), (0.01, 0.7)])
def test_cut_table_bit_exact_over_every_difference(input_scale, beta, tmp_path):
    model = softmax_int8(6, input_scale, beta)
    (call,) = lower_graph(read_graph(model))
    table = next(c.values for c in call.consts if c.name == "exp")
    assert call.param("exp_len") == len(table) and table[0] == 2**31 - 1 and table[-1] != 0
    if input_scale >= 0.12:  # exp() underflows to 0 well inside the 255 differences
        assert len(table) < 256
    rng = np.random.default_rng(int(input_scale * 1000))
    rows = [np.array([[127, -128, v, min(127, 100 - v), int(rng.integers(-128, 128)), 0]], np.int8)
            for v in range(-128, 128, 3)]
    assert_exact(model, [[r] for r in rows], tmp_path, plans=(True,))
