"""Constant folding: shape math on constants (and SHAPE of a static shape) becomes constants;
nothing on quantized activation data is folded."""
from __future__ import annotations

from mcugen.canonicalise import canonicalise
from mcugen.canonicalise.fold import fold_constants
from mcugen.ir import Quant

from .graphs import Builder


def flatten_graph(batch_ops=()):
    """Keras 3's Flatten with a dynamic batch: SHAPE -> STRIDED_SLICE -> PACK -> RESHAPE."""
    b = Builder()
    x, y = b.act((1, 6, 4)), b.act((1, 24))
    shape, first, packed = b.act((3,), "INT32", None), b.act((), "INT32", None), b.act((2,), "INT32", None)
    b.op("SHAPE", [x], [shape], out_type=2)
    b.op("STRIDED_SLICE", [shape, b.const([0]), b.const([1]), b.const([1])], [first],
         begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0, shrink_axis_mask=1, offset=False)
    b.op("PACK", [first, b.const(-1)], [packed], values_count=2, axis=0)
    b.op("RESHAPE", [x, packed], [y])
    return b.graph([x], [y]), packed, y


def test_flatten_shape_math_folds_to_one_view():
    graph, packed, y = flatten_graph()
    folded = canonicalise(graph)
    assert [op.kind for op in folded.ops] == ["RESHAPE"]
    assert folded.tensor(packed).array().tolist() == [1, -1]
    assert folded.ops[0].outputs == (y,) and folded.ops[0].index == 0


def test_each_shape_op_evaluates_like_numpy():
    b = Builder()
    outs = {}
    def add(kind, inputs, **opts):
        outs[kind] = b.act((), "INT32", None)
        b.op(kind, inputs, [outs[kind]], **opts)
    data = b.const([[1, 2, 3], [4, 5, 6]])
    add("SLICE", [data, b.const([0, 1]), b.const([-1, 2])])
    add("CONCATENATION", [b.const([1, 2]), b.const([3])], axis=0, fused_activation_function="NONE")
    add("GATHER", [b.const([10, 20, 30]), b.const([2, 0])], axis=0, batch_dims=0)
    add("FILL", [b.const([2, 2]), b.const(7)])
    add("RANGE", [b.const(0), b.const(5), b.const(2)])
    add("MUL", [b.const([2, 3]), b.const(4)], fused_activation_function="NONE")
    add("REDUCE_PROD", [b.const([2, 3, 4]), b.const([0])], keep_dims=False)
    add("CAST", [b.const([1, 2])])
    graph = b.graph([], [data])
    folded = fold_constants(graph)
    assert folded.ops == ()
    got = {k: folded.tensor(t).array().tolist() for k, t in outs.items()}
    assert got == {"SLICE": [[2, 3], [5, 6]], "CONCATENATION": [1, 2, 3], "GATHER": [30, 10],
                   "FILL": [[7, 7], [7, 7]], "RANGE": [0, 2, 4], "MUL": [8, 12], "REDUCE_PROD": 24,
                   "CAST": [1, 2]}


def test_quantized_data_and_model_outputs_are_never_folded():
    b = Builder()
    q = Quant((0.5,), (0,))
    w, out = b.const([1, 2], "INT8", q), b.act((2,), "INT8", q)
    b.op("ADD", [w, w], [out], fused_activation_function="NONE")  # int8 activation math: a kernel's job
    s, shape = b.act((2,)), b.act((1,), "INT32", None)
    b.op("SHAPE", [s], [shape])  # a model output stays an op
    graph = b.graph([s], [out, shape])
    assert fold_constants(graph) is graph


def test_shapes_behind_space_to_batch_are_not_trusted():
    graph, _, _ = flatten_graph()
    b = Builder()
    b.tensors, b.ops = list(graph.tensors), list(graph.ops)
    b.op("SPACE_TO_BATCH_ND", [0, b.const([2]), b.const([[0, 0]])], [b.act((2, 3, 4))])
    assert [op.kind for op in fold_constants(b.graph(graph.inputs, graph.outputs)).ops][0] == "SHAPE"
