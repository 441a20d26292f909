"""The int8 element-wise and reduction ops of issue 13 (ABS, RSQRT; MAXIMUM, MINIMUM,
SQUARED_DIFFERENCE, PRELU; REDUCE_MAX, REDUCE_MIN, SUM, ARG_MAX, ARG_MIN) in Keras models converted
by TensorFlow here, generated, compiled with ASan + UBSan and compared bit for bit with
tflite-micro under both arena plans: a CASES table naming each op and its corners, hypothesis
over shapes, broadcasts and scales (inputs at -128 and 127, zero points at the range ends), the
int8 unary ops tflite-micro has no int8 kernel for (refused by both), and one model of several of
these ops built and run under QEMU."""
from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mcugen.convert.tflite_reader import read_graph
from mcugen.ops import unsupported_reason
from tests.support.oracle import assert_exact, examples, keras_sequential, op_kinds, random_samples, tf, to_int8

SAMPLES = 16


def keras():
    return tf().keras


def lam(fn):
    return keras().layers.Lambda(fn)


seq = keras_sequential


def two(shape_a, shape_b, fn):
    k = keras()
    # names that sort in order: the converter orders a signature's inputs by name
    a, b = k.Input(shape_a, batch_size=1, name="in0"), k.Input(shape_b, batch_size=1, name="in1")
    return k.Model([a, b], lam(lambda ab: fn(ab[0], ab[1]))([a, b]))


def prelu(shape, shared_axes=None, seed=0):
    """A PReLU layer with alphas drawn in [-1.5, 1.5] (Keras starts them at zero)."""
    model = seq(shape, keras().layers.PReLU(shared_axes=shared_axes))
    layer = model.layers[-1]
    alpha = layer.get_weights()[0]
    layer.set_weights([np.random.default_rng(seed).uniform(-1.5, 1.5, alpha.shape).astype(np.float32)])
    return model


def edge_samples(model: bytes, count: int, seed: int) -> list[list[np.ndarray]]:
    """Random int8 inputs plus every input at -128, at 127, and the two alternating."""
    graph = read_graph(model)
    shapes = [graph.tensor(t).shape for t in graph.inputs]
    samples = random_samples(model, count, seed=seed)
    for fill in (-128, 127):
        samples.append([np.full(s, fill, np.int8) for s in shapes])
    samples.append([np.resize(np.array([-128, 127], np.int8), s) for s in shapes])
    samples.append([np.resize(np.array([127, -128], np.int8), s) for s in shapes])
    return samples


T = tf  # tf().<fn> inside the lambdas: TensorFlow is imported only when a case is built

# name -> (the op the converted model must contain, the Keras model)
CASES = {
    "ABS": ("ABS", lambda: seq((6, 7), lam(lambda x: T().abs(x)))),
    "ABS after dense": ("ABS", lambda: seq((9,), keras().layers.Dense(8), lam(lambda x: T().abs(x)))),
    "RSQRT": ("RSQRT", lambda: seq((12,), lam(lambda x: T().math.rsqrt(T().abs(x) + 0.1)))),
    "RSQRT wide": ("RSQRT", lambda: seq((3, 5), lam(lambda x: T().math.rsqrt(4.0 * T().abs(x) + 0.02)))),
    "MAXIMUM": ("MAXIMUM", lambda: two((4, 5), (4, 5), lambda a, b: T().maximum(a, b))),
    "MAXIMUM broadcast": ("MAXIMUM", lambda: two((3, 4, 5), (1, 5), lambda a, b: T().maximum(a, b))),
    "MAXIMUM 6-D same shape": ("MAXIMUM", lambda: two(
        (2, 1, 3, 2, 4), (2, 1, 3, 2, 4), lambda a, b: T().maximum(a, b))),  # flat in TFLM
    "MAXIMUM constant": ("MAXIMUM", lambda: seq((10,), lam(lambda x: T().maximum(x, 0.5)))),
    "MINIMUM": ("MINIMUM", lambda: two((7,), (7,), lambda a, b: T().minimum(a, b))),
    "MINIMUM broadcast 4-D": ("MINIMUM", lambda: two((2, 3, 4), (3, 1), lambda a, b: T().minimum(a, b))),
    "SQUARED_DIFFERENCE": ("SQUARED_DIFFERENCE", lambda: two(
        (4, 5), (4, 5), lambda a, b: T().math.squared_difference(a, b))),
    "SQUARED_DIFFERENCE broadcast": ("SQUARED_DIFFERENCE", lambda: two(
        (2, 3, 4), (1, 4), lambda a, b: T().math.squared_difference(a, b))),
    "PRELU": ("PRELU", lambda: prelu((4, 5))),
    "PRELU shared axes": ("PRELU", lambda: prelu((3, 4, 6), shared_axes=[1, 2], seed=1)),
    "REDUCE_MAX": ("REDUCE_MAX", lambda: seq((4, 5), lam(lambda x: T().reduce_max(x, axis=1)))),
    "REDUCE_MAX keepdims axes": ("REDUCE_MAX", lambda: seq((3, 4, 5), lam(
        lambda x: T().reduce_max(x, axis=[1, 3], keepdims=True)))),
    "REDUCE_MIN": ("REDUCE_MIN", lambda: seq((3, 4, 5), lam(lambda x: T().reduce_min(x, axis=-1)))),
    "REDUCE_MIN all": ("REDUCE_MIN", lambda: seq((6, 5), lam(lambda x: T().reduce_min(x, axis=[0, 1, 2])))),
    "SUM": ("SUM", lambda: seq((4, 5), lam(lambda x: T().reduce_sum(x, axis=1)))),
    "SUM keepdims axes": ("SUM", lambda: seq((3, 4, 5), lam(
        lambda x: T().reduce_sum(x, axis=[1, 2], keepdims=True)))),
    "ARG_MAX": ("ARG_MAX", lambda: seq((4, 5), lam(lambda x: T().argmax(x, axis=1, output_type=T().int32)))),
    "ARG_MIN last axis": ("ARG_MIN", lambda: seq((3, 4, 5), lam(
        lambda x: T().argmin(x, axis=-1, output_type=T().int32)))),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_op_bit_exact(name, tmp_path):
    expected_op, build = CASES[name]
    model = to_int8(build())
    assert expected_op in op_kinds(model), op_kinds(model)
    assert_exact(model, edge_samples(model, SAMPLES, seed=7), tmp_path)


def test_every_int8_value_through_the_tables(tmp_path):
    """ABS and RSQRT see all 256 input values (a ramp, both ways); RSQRT's input is ABS's output,
    shifted, so never below its zero point (tflite-micro fails the invocation there)."""
    k = keras()
    x = k.Input((256,), batch_size=1)
    a = lam(lambda v: T().abs(v))(x)
    y = lam(lambda v: T().math.rsqrt(v + 0.05))(a)
    model = to_int8(k.Model(x, [a, y]), low=-5, high=5)
    assert {"ABS", "RSQRT"} <= set(op_kinds(model)), op_kinds(model)
    ramp = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    assert_exact(model, [[ramp], [ramp[:, ::-1].copy()]], tmp_path)


_INVOKE = """
import sys
import numpy as np
from tflite_micro.python.tflite_micro import runtime
it = runtime.Interpreter.from_bytes(open(sys.argv[1], "rb").read())
it.set_input(np.zeros(it.get_input_details(0)["shape"], np.int8), 0)
it.invoke()
"""

REFUSED = {  # int8 ops tflite-micro has no kernel for: it fails to prepare or to invoke them
    "LOG": ("LOG", lambda: seq((8,), lam(lambda x: T().math.log(T().abs(x) + 0.1)))),
    "SQRT": ("SQRT", lambda: seq((8,), lam(lambda x: T().sqrt(T().abs(x))))),
    "EXP": ("EXP", lambda: seq((8,), lam(lambda x: T().exp(x)))),
    "GELU exact": ("GELU", lambda: seq((8,), lam(lambda x: T().nn.gelu(x, approximate=False)))),
    "GELU approximate": ("GELU", lambda: seq((8,), lam(lambda x: T().nn.gelu(x, approximate=True)))),
    "ARG_MAX int64": ("ARG_MAX", lambda: seq((4, 5), lam(lambda x: T().argmax(x, axis=1)))),  # int64 out
}


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_like_tflite_micro(name, tmp_path):
    kind, build = REFUSED[name]
    model = to_int8(build())
    graph = read_graph(model)
    op = next(op for op in graph.ops if op.kind == kind)
    assert graph.tensor(op.inputs[0]).dtype == "INT8", "the converter no longer makes an int8 op"
    _refused_by_both(model, kind, tmp_path)


# calibration ranges: asymmetric, narrow, and ones ending at zero (zero point -128 or 127)
edge_ranges = st.one_of(st.tuples(st.floats(-6, -0.05), st.floats(0.05, 6)),
                        st.tuples(st.just(0.0), st.floats(0.1, 6)),
                        st.tuples(st.floats(-6, -0.1), st.just(0.0)))


def per_input(ranges_):
    """A to_int8 calibration drawing each input (in order) from its own range."""
    state = {"i": 0}

    def draw(rng, shape):
        low, high = ranges_[state["i"] % len(ranges_)]
        state["i"] += 1
        return rng.uniform(low, high, shape)
    return draw


@st.composite
def broadcast_pair(draw, max_rank=3):
    """Two shapes (without the batch) that broadcast: the second drops leading dims or has 1s."""
    shape = draw(st.lists(st.integers(1, 5), min_size=1, max_size=max_rank))
    other = [1 if draw(st.booleans()) else d for d in shape]
    other = other[draw(st.integers(0, len(other) - 1)):]
    return (tuple(shape), tuple(other)) if draw(st.booleans()) else (tuple(other), tuple(shape))


BINARY = {
    "MAXIMUM": lambda a, b: T().maximum(a, b),
    "MINIMUM": lambda a, b: T().minimum(a, b),
    "SQUARED_DIFFERENCE": lambda a, b: T().math.squared_difference(a, b),
}


@pytest.mark.slow
@examples(8)
@given(kind=st.sampled_from(sorted(BINARY) + ["PRELU"]), shapes=broadcast_pair(),
       r1=edge_ranges, r2=edge_ranges, seed=st.integers(0, 1000))
def test_binary_ops(tmp_path_factory, kind, shapes, r1, r2, seed):
    a, b = shapes
    if kind == "PRELU":  # alpha shared over the axes where the second shape is 1
        full = tuple(max(x, y) for x, y in zip((1,) * (len(a) - len(b)) + b, (1,) * (len(b) - len(a)) + a))
        shared = [i + 1 for i, d in enumerate((1,) * (len(full) - len(b)) + b) if d == 1] or None
        model = prelu(full, shared_axes=shared, seed=seed)
    else:
        model = two(a, b, BINARY[kind])
    tflite = to_int8(model, calibration=per_input([r1, r2]), seed=seed)
    assert kind in op_kinds(tflite), op_kinds(tflite)
    assert_exact(tflite, edge_samples(tflite, 4, seed=seed), tmp_path_factory.mktemp(kind.lower()),
                 may_refuse=True)


@st.composite
def reduction(draw):
    """(input shape without batch, kind, axes over the full rank, keepdims)."""
    shape = tuple(draw(st.lists(st.integers(1, 5), min_size=1, max_size=3)))
    rank = len(shape) + 1
    kind = draw(st.sampled_from(["REDUCE_MAX", "REDUCE_MIN", "SUM", "ARG_MAX", "ARG_MIN"]))
    if kind.startswith("ARG"):
        axes = [draw(st.integers(-rank, rank - 1))]
    else:
        axes = draw(st.lists(st.integers(0, rank - 1), min_size=1, max_size=rank, unique=True))
    return shape, kind, axes, draw(st.booleans())


REDUCE = {"REDUCE_MAX": "reduce_max", "REDUCE_MIN": "reduce_min", "SUM": "reduce_sum"}


@pytest.mark.slow
@examples(8)
@given(case=reduction(), rng=edge_ranges, seed=st.integers(0, 1000))
def test_reductions(tmp_path_factory, case, rng, seed):
    shape, kind, axes, keepdims = case
    if kind == "ARG_MAX":
        fn = lambda x: T().argmax(x, axis=axes[0], output_type=T().int32)  # noqa: E731
    elif kind == "ARG_MIN":
        fn = lambda x: T().argmin(x, axis=axes[0], output_type=T().int32)  # noqa: E731
    else:
        fn = lambda x: getattr(T(), REDUCE[kind])(x, axis=axes, keepdims=keepdims)  # noqa: E731
    tflite = to_int8(seq(shape, lam(fn)), low=rng[0], high=rng[1], seed=seed)
    if kind not in op_kinds(tflite):  # a reduction over extent-1 dims only may fold away
        assert not set(op_kinds(tflite)) & {*REDUCE, "ARG_MAX", "ARG_MIN"}, op_kinds(tflite)
        return
    assert_exact(tflite, edge_samples(tflite, 4, seed=seed), tmp_path_factory.mktemp(kind.lower()),
                 may_refuse=True)


@pytest.mark.slow
def test_several_ops_on_qemu(tmp_path):
    """One model of MAXIMUM, MINIMUM, SQUARED_DIFFERENCE, PRELU, ABS, REDUCE_MAX, SUM and ARG_MAX
    built for mps2_an386 and run under QEMU: its self-test compares with tflite-micro's outputs."""
    from mcugen.project import api

    k, L = keras(), keras().layers
    x = k.Input((4, 6), batch_size=1)
    h = L.Dense(6)(x)
    hi = lam(lambda v: T().maximum(v[0], v[1]))([x, h])
    lo = lam(lambda v: T().minimum(v[0], v[1]))([x, h])
    d = lam(lambda v: T().math.squared_difference(v[0], v[1]))([hi, lo])
    p = L.PReLU()(h)
    p_layer = p._keras_history.operation
    p_layer.set_weights([np.linspace(-1, 1, 24, dtype=np.float32).reshape(4, 6)])
    a = lam(lambda v: T().abs(v))(p)
    outputs = [lam(lambda v: T().reduce_max(v, axis=1))(d), lam(lambda v: T().reduce_sum(v, axis=-1))(a),
               lam(lambda v: T().argmax(v, axis=2, output_type=T().int32))(p)]
    model = to_int8(k.Model(x, outputs))
    kinds = set(op_kinds(model))
    assert {"MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE", "PRELU", "ABS", "REDUCE_MAX", "SUM",
            "ARG_MAX"} <= kinds, kinds
    path = tmp_path / "elementwise.tflite"
    path.write_bytes(model)
    result = api.build(path, "mps2_an386", tmp_path / "fw", run=True)
    assert result.run is not None and result.run.passed, result.run and result.run.console[-2000:]


def retyped(model: bytes, kind: str, output_quant: tuple[float, int]) -> bytes:
    """`model` (one int8 unary op) with its op code replaced by `kind` and its output
    quantization by `output_quant`: the converter has no int8 path for some ops tflite-micro
    runs in int8 (ELU), so their models are edited from another op's."""
    import flatbuffers
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    m = schema.ModelT.InitFromObj(schema.Model.GetRootAs(model, 0))
    code = getattr(schema.BuiltinOperator, kind)
    for oc in m.operatorCodes:
        oc.builtinCode, oc.deprecatedBuiltinCode, oc.version = code, min(code, 127), 1
    graph = m.subgraphs[0]
    out = graph.tensors[graph.operators[0].outputs[0]]
    out.quantization.scale, out.quantization.zeroPoint = [output_quant[0]], [output_quant[1]]
    builder = flatbuffers.Builder(1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


@pytest.mark.parametrize("low, high, out_scale, out_zp", [
    (-3, 3, 5.0 / 255, -128 + 51), (-6, 1, 2.0 / 255, -128 + 128), (-0.5, 4, 4.6 / 255, -128 + 28),
    (0.0, 2, 3.0 / 255, -128), (-8, 0.0, 1.0 / 255, 127), (-1, 1, 0.001, 0)])
def test_elu(low, high, out_scale, out_zp, tmp_path):
    """ELU (an int8 model edited from ABS's): every input value, input and output zero points
    at the range ends and a fine output scale that saturates."""
    model = retyped(to_int8(seq((256,), lam(lambda x: T().abs(x))), low=low, high=high), "ELU",
                    (out_scale, out_zp))
    assert op_kinds(model) == ["ELU"], op_kinds(model)
    ramp = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    assert_exact(model, [[ramp], [ramp[:, ::-1].copy()]], tmp_path)


def test_in_place_plan_really_overlaps_these_ops(tmp_path):
    """The in-place plan puts these ops' outputs on their inputs' bytes, so the oracle check
    exercises the kernels' read-before-write order, not just separate buffers."""
    from mcugen import pipeline
    from mcugen.ops import lower_graph

    k, L = keras(), keras().layers
    x = k.Input((5, 6), batch_size=1)
    y = L.Dense(6)(x)
    side = L.Dense(6)(x)
    y = lam(lambda v: T().abs(v))(y)
    y = lam(lambda v: T().maximum(v[0], v[1]))([y, side])
    y = lam(lambda v: T().minimum(v[0], v[1]))([y, L.Dense(6)(x)])
    y = lam(lambda v: T().math.squared_difference(v[0], v[1]))([y, side])
    y = L.PReLU()(L.Dense(6)(lam(lambda v: v[0] - v[1])([y, side])))
    model = to_int8(k.Model(x, L.Dense(4)(y)))
    graph = read_graph(model)
    plan = pipeline.plan(graph, lower_graph(graph), inplace=True)
    aliased = {op.kind for op in graph.ops
               if plan.tensor_offsets[op.outputs[0]] in [plan.tensor_offsets.get(t) for t in op.inputs]}
    assert {"ABS", "MAXIMUM", "MINIMUM", "SQUARED_DIFFERENCE", "PRELU"} <= aliased, (aliased, op_kinds(model))
    assert_exact(model, edge_samples(model, 8, seed=9), tmp_path)


def requantized_output(model: bytes, scale_factor: float, zero_point_shift: int) -> bytes:
    """`model` with its first op's output scale multiplied and zero point shifted."""
    import flatbuffers
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    m = schema.ModelT.InitFromObj(schema.Model.GetRootAs(model, 0))
    graph = m.subgraphs[0]
    q = graph.tensors[graph.operators[0].outputs[0]].quantization
    q.scale, q.zeroPoint = [q.scale[0] * scale_factor], [q.zeroPoint[0] + zero_point_shift]
    builder = flatbuffers.Builder(1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def _refused_by_both(model: bytes, kind: str, tmp_path) -> None:
    graph = read_graph(model)
    op = next(op for op in graph.ops if op.kind == kind)
    assert unsupported_reason(graph, op)
    path = tmp_path / "m.tflite"
    path.write_bytes(model)
    assert subprocess.run([sys.executable, "-c", _INVOKE, str(path)], capture_output=True).returncode != 0


@pytest.mark.parametrize("kind, scale_factor, zero_point_shift", [
    ("REDUCE_MAX", 2.0, 0), ("REDUCE_MIN", 1.0, 3)])
def test_reduce_max_min_keep_the_quantization(kind, scale_factor, zero_point_shift, tmp_path):
    """tflite-micro fails REDUCE_MAX/MIN whose output quantization differs from the input's;
    mcugen refuses them."""
    fn = T().reduce_max if kind == "REDUCE_MAX" else T().reduce_min
    model = requantized_output(to_int8(seq((4, 5), lam(lambda x: fn(x, axis=1)))),
                               scale_factor, zero_point_shift)
    _refused_by_both(model, kind, tmp_path)


def test_maximum_ignores_the_output_quantization(tmp_path):
    """tflite-micro's MAXIMUM compares raw int8 values whatever the scales; so does mcugen."""
    model = requantized_output(to_int8(two((4, 5), (4, 5), lambda a, b: T().maximum(a, b))), 2.0, 5)
    assert_exact(model, edge_samples(model, 4, seed=3), tmp_path)


def test_neg_is_refused_like_tflite_micro(tmp_path):
    """tflite-micro's NEG is float32 only (the converter makes no int8 NEG: edited from ABS)."""
    model = retyped(to_int8(seq((8,), lam(lambda x: T().abs(x)))), "NEG", (0.02, 0))
    _refused_by_both(model, "NEG", tmp_path)


@pytest.mark.slow
@examples(6)
@given(rng=edge_ranges, shift=st.floats(0.01, 2.0), out=st.tuples(st.floats(0.002, 0.1), st.integers(-128, 127)))
def test_tables_over_scales(tmp_path_factory, rng, shift, out):
    """ABS, RSQRT and ELU over input scales and zero points (and ELU's output quantization),
    every int8 value each."""
    k = keras()
    x = k.Input((256,), batch_size=1)
    a = lam(lambda v: T().abs(v))(x)
    y = lam(lambda v: T().math.rsqrt(v + shift))(a)
    model = to_int8(k.Model(x, [a, y]), low=rng[0], high=rng[1])
    elu = retyped(to_int8(seq((256,), lam(lambda v: T().abs(v))), low=rng[0], high=rng[1]), "ELU", out)
    ramp = np.arange(-128, 128, dtype=np.int8).reshape(1, 256)
    for m in (model, elu):
        assert_exact(m, [[ramp]], tmp_path_factory.mktemp("tables"), plans=(False,))
