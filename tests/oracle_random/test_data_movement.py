"""The int8 data-movement ops (TRANSPOSE, STRIDED_SLICE, SLICE, SPLIT, SPLIT_V, PACK, UNPACK,
GATHER, DEPTH_TO_SPACE, SPACE_TO_DEPTH, MIRROR_PAD, BROADCAST_TO) in small models converted by
TensorFlow here (tf.function + TFLiteConverter.from_concrete_functions: most have no Keras layer),
generated, compiled with ASan + UBSan and compared bit for bit with tflite-micro under both arena
plans; hypothesis tests over transpose/slice parameters and split/gather/pack axes; an embedding (GATHER on int32 tokens)
-> Dense model bit-exact on mps2_an386 under QEMU."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from mcugen.convert.keras_convert import captured_native_output
from mcugen.convert.tflite_reader import read_graph
from mcugen.ops import unsupported_reason
from tests.support.oracle import assert_exact, examples, op_kinds, random_samples, tf, tflm_accepts

SAMPLES = 12
F32 = "float32"


def convert(fn, shapes, tokens: int = 0, seed: int = 0) -> bytes:
    """`fn` over batch-1 inputs of `shapes` as an int8 .tflite: float inputs become int8; with
    `tokens`, the one input is int32 token ids in [0, tokens) instead (it stays int32)."""
    t = tf()
    dtype = t.int32 if tokens else t.float32
    concrete = t.function(fn, input_signature=[t.TensorSpec((1, *s), dtype) for s in shapes]
                          ).get_concrete_function()

    def representative():
        rng = np.random.default_rng(seed)
        for _ in range(16):
            yield [rng.integers(0, tokens, (1, *s)).astype(np.int32) if tokens
                   else rng.uniform(-3, 3, (1, *s)).astype(np.float32) for s in shapes]

    converter = t.lite.TFLiteConverter.from_concrete_functions([concrete])
    converter.optimizations = [t.lite.Optimize.DEFAULT]
    converter.representative_dataset = representative
    converter.target_spec.supported_ops = [t.lite.OpsSet.TFLITE_BUILTINS_INT8]
    converter.inference_input_type = t.int8
    converter.inference_output_type = t.int8
    with captured_native_output():
        return bytes(converter.convert())


# name -> (the op the converted model must contain, fn, input shapes without the batch)
CASES = {
    "TRANSPOSE NHWC->NCHW": ("TRANSPOSE", lambda x: tf().transpose(x, [0, 3, 1, 2]), [(3, 4, 5)]),
    "TRANSPOSE 5-D": ("TRANSPOSE", lambda x: tf().transpose(x, [4, 2, 0, 3, 1]), [(2, 3, 2, 4)]),
    "TRANSPOSE last two": ("TRANSPOSE", lambda x: tf().transpose(x, [0, 2, 1]), [(3, 7)]),
    "STRIDED_SLICE negative stride": ("STRIDED_SLICE", lambda x: x[:, ::-1, 1:5:2, :], [(3, 6, 5)]),
    "STRIDED_SLICE shrink": ("STRIDED_SLICE", lambda x: x[:, 1, ::2], [(3, 6, 5)]),
    "STRIDED_SLICE ellipsis": ("STRIDED_SLICE", lambda x: x[..., -3:-1], [(4, 5)]),
    "STRIDED_SLICE new axis": ("STRIDED_SLICE", lambda x: x[:, None, 2:, ::-2], [(4, 5)]),
    "STRIDED_SLICE negative begin/end": ("STRIDED_SLICE", lambda x: x[:, -2:-6:-1, 3:], [(6, 5)]),
    "SLICE": ("SLICE", lambda x: tf().slice(x, [0, 1, 2], [1, 2, -1]), [(3, 6)]),
    "SLICE 5-D": ("SLICE", lambda x: tf().slice(x, [0, 1, 0, 1, 0], [1, 1, 2, 2, 3]), [(2, 3, 4, 3)]),
    "SPLIT": ("SPLIT", lambda x: tf().split(x, 3, axis=2), [(2, 6, 5)]),
    "SPLIT last axis": ("SPLIT", lambda x: tf().split(x, 2, axis=-1), [(3, 8)]),
    "SPLIT_V": ("SPLIT_V", lambda x: tf().split(x, [1, 4, 1], axis=1), [(6, 5)]),
    "UNPACK": ("UNPACK", lambda x: tf().unstack(x, axis=2), [(2, 3, 4)]),
    "UNPACK first axis": ("UNPACK", lambda x: tf().unstack(x, axis=1), [(3, 5)]),
    "PACK": ("PACK", lambda x, y: tf().stack([x, y], axis=2), [(2, 3), (2, 3)]),
    "PACK last axis": ("PACK", lambda x, y: tf().stack([x, y, x], axis=-1), [(4,), (4,)]),
    "PACK 13 inputs": ("PACK", lambda x: tf().stack([x * (1 + k % 3) for k in range(13)], axis=1), [(4,)]),
    "REVERSE_V2 time axis": ("REVERSE_V2", lambda x: tf().reverse(x, [1]), [(7, 3)]),
    "REVERSE_V2 last axis": ("REVERSE_V2", lambda x: tf().reverse(x, [-1]), [(2, 3, 5)]),
    "REVERSE_V2 two axes": ("REVERSE_V2", lambda x: tf().reverse(x, [2, 1]), [(3, 4, 2)]),
    "REVERSE_V2 all axes": ("REVERSE_V2", lambda x: tf().reverse(x, [0, 1, 2]), [(3, 4)]),
    "DEPTH_TO_SPACE": ("DEPTH_TO_SPACE", lambda x: tf().nn.depth_to_space(x, 2), [(3, 4, 8)]),
    "SPACE_TO_DEPTH": ("SPACE_TO_DEPTH", lambda x: tf().nn.space_to_depth(x, 2), [(4, 6, 3)]),
    "BROADCAST_TO": ("BROADCAST_TO", lambda x: tf().broadcast_to(x, [1, 4, 3, 5]), [(1, 3, 1)]),
    "MIRROR_PAD REFLECT": ("MIRROR_PAD", lambda x: tf().pad(x, [[0, 0], [1, 2], [2, 1]], mode="REFLECT"), [(4, 5)]),
    "MIRROR_PAD SYMMETRIC": ("MIRROR_PAD", lambda x: tf().pad(
        x, [[0, 0], [3, 0], [1, 1], [0, 2]], mode="SYMMETRIC"), [(3, 2, 4)]),
    "MIRROR_PAD 6-D": ("MIRROR_PAD", lambda x: tf().pad(
        x, [[0, 0], [1, 1], [0, 0], [1, 0], [0, 0], [0, 1]], mode="REFLECT"), [(2, 2, 2, 2, 2)]),
    "UNPACK 6-D": ("UNPACK", lambda x: tf().unstack(x, axis=3), [(2, 2, 2, 2, 2)]),
    "BROADCAST_TO 5-D": ("BROADCAST_TO", lambda x: tf().broadcast_to(x, [1, 2, 2, 3, 2]), [(1, 2, 3, 1)]),
    "GATHER 5-D": ("GATHER", lambda x: tf().gather(x, [1, 0, 1], axis=4), [(2, 2, 2, 3, 2)]),
    "GATHER constant positions": ("GATHER", lambda x: tf().gather(x, [2, 0, 1, 2], axis=2), [(3, 4, 2)]),
    "GATHER batch_dims": ("GATHER", lambda x: tf().gather(x, [[3, 0]], axis=2, batch_dims=1), [(3, 4)]),
    "GATHER 2-D positions": ("GATHER", lambda x: tf().gather(x, [[1, 0], [0, 2]], axis=1), [(3, 4)]),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(CASES))
def test_op_bit_exact(name, tmp_path):
    expected, fn, shapes = CASES[name]
    model = convert(fn, shapes)
    assert expected in op_kinds(model), op_kinds(model)
    assert_exact(model, random_samples(model, SAMPLES, seed=3), tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("fn", [lambda x: x[:, :2], lambda x: x[:, 1] + 0 * x[:, 0],
                                lambda x: tf().slice(x, [0, 0, 0], [1, 3, 5]) * 1.0],
                         ids=["STRIDED_SLICE leading rows", "STRIDED_SLICE first row", "SLICE leading rows"])
def test_prefix_slices_are_views(fn, tmp_path):
    """A slice reading its input's first bytes in order is a view: no code under the in-place
    plan (the output sits on the input), a copy under the separate one; both bit-exact."""
    from mcugen import pipeline

    model = convert(lambda x: tf().nn.relu(fn(x + 1.0)), [(4, 5)])
    graph = read_graph(model)
    kinds = op_kinds(model)
    assert {"STRIDED_SLICE", "SLICE"} & set(kinds), kinds
    library = pipeline.generate(graph, inplace=True)
    sliced = [op for op in graph.ops if op.kind in ("STRIDED_SLICE", "SLICE")]
    prefix = [op for op in sliced if library.plan.tensor_offsets[op.inputs[0]]
              == library.plan.tensor_offsets[op.outputs[0]]]
    assert prefix, "no slice was placed on its input"
    assert "view: the output shares the input's bytes" in library.sources.files["model.c"]
    assert_exact(model, random_samples(model, SAMPLES, seed=4), tmp_path)


def _embedding_model(tokens: int, positions: int, width: int) -> bytes:
    """Token ids -> embedding table lookup (GATHER of a constant table) -> flatten -> dense.
    (A Keras Embedding layer also wraps negative ids: LESS/SELECT, which TFLM lacks for int32.)"""
    t = tf()
    rng = np.random.default_rng(5)
    table = t.constant(rng.normal(0, 1, (tokens, width)).astype(np.float32))
    weights = t.constant(rng.normal(0, 0.3, (positions * width, 6)).astype(np.float32))
    bias = t.constant(rng.normal(0, 0.3, (6,)).astype(np.float32))

    def fn(ids):
        return t.matmul(t.reshape(t.gather(table, ids), [1, positions * width]), weights) + bias

    return convert(fn, [(positions,)], tokens=tokens)


def _token_samples(tokens: int, positions: int, count: int) -> list[list[np.ndarray]]:
    rng = np.random.default_rng(11)
    return [[rng.integers(0, tokens, (1, positions)).astype(np.int32)] for _ in range(count)]


@pytest.mark.slow
def test_embedding_on_int32_tokens(tmp_path):
    model = _embedding_model(tokens=20, positions=5, width=8)
    graph = read_graph(model)
    assert "GATHER" in op_kinds(model) and graph.tensor(graph.inputs[0]).dtype == "INT32"
    samples = _token_samples(20, 5, SAMPLES)
    samples.append([np.array([[0, 19, 19, 0, 7]], np.int32)])  # the table's first and last rows
    assert_exact(model, samples, tmp_path)


@pytest.mark.slow
@examples(8)
@given(rank=st.integers(1, 3), data=st.data())
def test_random_transpose_and_slices(rank, data, tmp_path_factory):
    """A random permutation of a (1, ...) input of up to 4 dims (TFLM's STRIDED_SLICE limit),
    then a random strided slice of the result (steps of either sign, open or out-of-range ends,
    shrunk axes). Draws TensorFlow folds to nothing (an empty slice) are skipped."""
    shape = tuple(data.draw(st.lists(st.integers(2, 5), min_size=rank, max_size=rank)))
    perm = [0] + [p + 1 for p in data.draw(st.permutations(range(rank)))]
    moved = [(1, *shape)[p] for p in perm]
    index: list = [slice(None)]
    for n in moved[1:]:
        step = data.draw(st.sampled_from([1, 2, -1, -2]))
        lo = data.draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
        hi = data.draw(st.one_of(st.none(), st.integers(-n - 1, n + 1)))
        index.append(data.draw(st.integers(0, n - 1)) if data.draw(st.booleans()) else slice(lo, hi, step))
    model = convert(lambda x: tf().transpose(x, perm)[tuple(index)], [shape])
    kinds = op_kinds(model)
    assume(kinds)
    assert set(kinds) <= {"TRANSPOSE", "STRIDED_SLICE", "RESHAPE", "SLICE"}, kinds
    assert_exact(model, random_samples(model, 4, seed=1), tmp_path_factory.mktemp("moves"), may_refuse=True)


@pytest.mark.slow
@examples(6)
@given(data=st.data())
def test_random_split_gather_pack(data, tmp_path_factory):
    """SPLIT / UNPACK / GATHER / PACK over a random axis of a random (1, ...) shape."""
    rank = data.draw(st.integers(1, 3))
    shape = tuple(data.draw(st.lists(st.integers(2, 4), min_size=rank, max_size=rank)))
    axis = data.draw(st.integers(1, rank))
    n = (1, *shape)[axis]
    kind = data.draw(st.sampled_from(["SPLIT", "UNPACK", "GATHER", "PACK"]))
    if kind == "SPLIT":
        fn = lambda x: tf().split(x, data.draw(st.sampled_from([k for k in (1, 2, 3, 4) if n % k == 0])), axis=axis)
    elif kind == "UNPACK":
        fn = lambda x: tf().unstack(x, axis=axis)
    elif kind == "GATHER":
        positions = data.draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=5))
        fn = lambda x: tf().gather(x, positions, axis=axis)
    else:
        fn = lambda x: tf().stack([x, x, x], axis=axis)
    model = convert(fn, [shape])
    assume(kind in op_kinds(model))
    assert_exact(model, random_samples(model, 4, seed=2), tmp_path_factory.mktemp("parts"), may_refuse=True)


def test_refusals(tmp_path):
    """What tflite-micro refuses, mcugen refuses too: a 5-D STRIDED_SLICE, a 6-D TRANSPOSE or
    BROADCAST_TO."""
    for fn, shape, kind, reason in (
            (lambda x: x[:, :, 1:, :, ::2], (2, 3, 2, 4), "STRIDED_SLICE", "rank 5"),
            (lambda x: tf().transpose(x, [0, 5, 4, 3, 2, 1]), (2, 2, 3, 2, 2), "TRANSPOSE", "rank 6"),
            (lambda x: tf().broadcast_to(x, [1, 2, 2, 2, 3, 2]), (1, 2, 1, 3, 1), "BROADCAST_TO", "rank 6")):
        model = convert(fn, [shape])
        graph = read_graph(model)
        op = next(op for op in graph.ops if op.kind == kind)
        assert reason in unsupported_reason(graph, op)
        assert not tflm_accepts(model, tmp_path)


@pytest.mark.slow
def test_embedding_dense_on_qemu(tmp_path):
    from mcugen.project import api

    model = _embedding_model(tokens=30, positions=6, width=4)
    path = tmp_path / "embedding.tflite"
    path.write_bytes(model)
    result = api.build(path, "mps2_an386", tmp_path / "out", run=True)
    assert result.run.passed


@pytest.mark.slow
def test_reverse_of_non_contiguous_axes_is_refused_like_tflite_micro():
    """tflite-micro prepares it but fails in Eval ("Non-contiguous `axes` not supported"); the
    converter fails too, so the model is a contiguous one with its axes edited."""
    import flatbuffers
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    from mcugen.oracle import TflmOracle

    m = schema.ModelT.InitFromObj(schema.Model.GetRootAs(convert(lambda x: tf().reverse(x, [1, 2]),
                                                                  [(2, 3, 4)]), 0))
    g = m.subgraphs[0]
    reverse = next(op for op in g.operators
                   if m.operatorCodes[op.opcodeIndex].builtinCode == schema.BuiltinOperator.REVERSE_V2)
    m.buffers[g.tensors[reverse.inputs[1]].buffer].data = np.array([1, 3], np.int32).view(np.uint8)
    builder = flatbuffers.Builder(1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    model = bytes(builder.Output())
    graph = read_graph(model)
    op = next(op for op in graph.ops if op.kind == "REVERSE_V2")
    assert "not contiguous" in unsupported_reason(graph, op)
    with pytest.raises(RuntimeError, match="invocation failed"):
        TflmOracle(model).run(random_samples(model, 1, seed=0)[0])


@pytest.mark.slow
def test_reverse_of_int16_activations(tmp_path):
    """REVERSE_V2 in a 16x8 model moves int16 elements (the strided copy by element width)."""
    from tests.support.oracle import to_int16

    k = tf().keras
    x = k.Input((6, 5), batch_size=1)
    y = k.layers.Dense(4)(k.layers.Lambda(lambda v: tf().reverse(v, [1]))(k.layers.Dense(5)(x)))
    model = to_int16(k.Model(x, y))
    assert "REVERSE_V2" in op_kinds(model)
    assert "strided_copy" in assert_exact(model, random_samples(model, SAMPLES, seed=5), tmp_path)
