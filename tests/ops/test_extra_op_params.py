"""The Python side of the extra ops, without compiling anything: shape walks against numpy,
the gemmlowp fixed-point twins against real math, and the TFLM parameter derivations."""
from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mcugen.ops import fixedpoint as fp
from mcugen.ops.builtin.mean import mean_multiplier, resolve_axes
from mcugen.ops.quant import quantize_multiplier
from mcugen.ops.shapes import broadcast_iteration, broadcast_shape, collapse, row_major_strides

shapes = st.lists(st.integers(1, 4), min_size=0, max_size=5).map(tuple)


def walk(dims, strides):
    """Offsets visited by a row-major walk over `dims` with `strides` (what the C kernels do)."""
    offsets = [0]
    for d, s in zip(dims, strides):
        offsets = [o + i * s for o in offsets for i in range(d)]
    return offsets


@settings(max_examples=200, deadline=None, derandomize=True)
@given(out=shapes, data=st.data())
def test_broadcast_walk_matches_numpy(out, data):
    a = tuple(d if data.draw(st.booleans()) else 1 for d in out)
    b = tuple(d if data.draw(st.booleans()) else 1 for d in out)
    b = b[data.draw(st.integers(0, len(b))):]
    target = broadcast_shape(a, b)
    assert target is not None
    dims, sa, sb = broadcast_iteration(a, b, target)
    assert 1 <= len(dims) <= max(1, len(target))
    xa = np.arange(int(np.prod(a)), dtype=np.int64).reshape(a)
    xb = np.arange(int(np.prod(b)), dtype=np.int64).reshape(b)
    ea, eb = np.broadcast_arrays(xa, xb)
    assert [xa.reshape(-1)[o] for o in walk(dims, sa)] == ea.reshape(-1).tolist()
    assert [xb.reshape(-1)[o] for o in walk(dims, sb)] == eb.reshape(-1).tolist()


def test_incompatible_shapes_do_not_broadcast():
    assert broadcast_shape((2, 3), (4, 3)) is None
    assert broadcast_shape((2, 1, 3), (5, 1)) == (2, 5, 3)


@settings(max_examples=100, deadline=None, derandomize=True)
@given(shape=st.lists(st.integers(1, 4), min_size=1, max_size=5).map(tuple), data=st.data())
def test_collapsed_transpose_free_walk_visits_the_same_elements(shape, data):
    keep = [d for d in range(len(shape)) if data.draw(st.booleans())]
    strides = row_major_strides(shape)
    dims, s = collapse([shape[d] for d in keep], [strides[d] for d in keep])
    x = np.arange(int(np.prod(shape))).reshape(shape)
    index = tuple(slice(None) if d in keep else 0 for d in range(len(shape)))
    assert [x.reshape(-1)[o] for o in walk(dims, s)] == x[index].reshape(-1).tolist()


def test_fixed_point_logistic_and_tanh_follow_the_real_functions():
    for x in np.linspace(-7.9, 7.9, 301):
        raw = int(round(x * (1 << 27)))  # Q4.27
        assert abs(fp.logistic(raw, 4) / 2**31 - 1 / (1 + math.exp(-x))) < 1e-6
        assert abs(fp.tanh(raw, 4) / 2**31 - math.tanh(x)) < 1e-6


def test_rounding_helpers_round_half_away_from_zero():
    assert [fp.rdbp(v, 1) for v in (-3, -2, -1, 1, 2, 3)] == [-2, -1, -1, 1, 1, 2]
    assert fp.srdhm(fp.INT32_MIN, fp.INT32_MIN) == fp.INT32_MAX
    assert fp.srdhm(1 << 30, 1 << 30) == 1 << 29
    assert fp.wrap32(fp.INT32_MAX + 1) == fp.INT32_MIN
    assert fp.sat_shift_left16(20000, 1) == fp.INT16_MAX


@settings(max_examples=100, deadline=None, derandomize=True)
@given(in_scale=st.floats(1e-3, 1.0), out_scale=st.floats(1e-3, 1.0), count=st.integers(1, 5000))
def test_mean_multiplier_folds_one_over_count(in_scale, out_scale, count):
    multiplier, shift = mean_multiplier(in_scale, out_scale, count)
    real = np.float32(in_scale) / np.float32(out_scale) / count
    assert 0 <= multiplier < 2**31
    assert math.isclose(multiplier * 2.0 ** (shift - 31), real, rel_tol=2e-3)
    # without the fold it is TFLM's plain QuantizeMultiplier
    assert mean_multiplier(in_scale, out_scale, 1) == quantize_multiplier(
        float(np.float32(in_scale)) / float(np.float32(out_scale)))


def test_mean_axes_resolve_like_tflm():
    assert resolve_axes([-1, 1, 3], 4) == [3, 1]
    assert resolve_axes([4], 4) is None


# -- rejections: what TFLM itself refuses (or mcugen cannot honour) fails before generation --

def _graph(tensors, kind, inputs, outputs, options=None):
    from mcugen.ir import Graph, Op

    return Graph(tensors=tuple(tensors), ops=(Op(0, kind, 1, inputs, outputs, options or {}),),
                 inputs=tuple(i for i in inputs if not tensors[i].is_constant), outputs=outputs)


def _t(tid, shape, scale=0.1, zp=0, dtype="INT8", data=None):
    from mcugen.ir import Quant, Tensor

    quant = Quant((scale,), (zp,)) if dtype == "INT8" else None
    return Tensor(tid, f"t{tid}", tuple(shape), dtype, quant, data)


def _reason(graph):
    from mcugen.ops import unsupported_reason

    return unsupported_reason(graph, graph.ops[0])


def test_concatenation_of_differently_quantized_inputs_is_refused():
    g = _graph([_t(0, (1, 2)), _t(1, (1, 3), scale=0.2), _t(2, (1, 5))], "CONCATENATION", (0, 1), (2,),
               {"axis": 1, "fused_activation_function": "NONE"})
    assert "quantized differently" in _reason(g)
    ok = _graph([_t(0, (1, 2)), _t(1, (1, 3)), _t(2, (1, 5))], "CONCATENATION", (0, 1), (2,),
                {"axis": -1, "fused_activation_function": "NONE"})
    assert _reason(ok) is None


def test_binary_ops_refuse_shapes_that_do_not_broadcast():
    g = _graph([_t(0, (1, 4, 3)), _t(1, (1, 2, 3)), _t(2, (1, 4, 3))], "MUL", (0, 1), (2,))
    assert "broadcast" in _reason(g)
    ok = _graph([_t(0, (1, 4, 3)), _t(1, (3,)), _t(2, (1, 4, 3))], "SUB", (0, 1), (2,))
    assert _reason(ok) is None
    five_d = _graph([_t(0, (1, 2, 3, 4, 5)), _t(1, (5,)), _t(2, (1, 2, 3, 4, 5))], "SUB", (0, 1), (2,))
    assert "4-D" in _reason(five_d)  # TFLM aborts on it, so there is nothing to be exact with


def test_pad_needs_constant_non_negative_paddings():
    pads = np.array([[0, 0], [1, -1]], dtype=np.int32)
    g = _graph([_t(0, (1, 4)), _t(1, (2, 2), dtype="INT32", data=pads.tobytes()), _t(2, (1, 4))],
               "PAD", (0, 1), (2,))
    assert "negative" in _reason(g)


def test_quantize_takes_float_to_int8_or_int16_and_integer_requantizations_only():
    assert _reason(_graph([_t(0, (1, 4), dtype="FLOAT32"), _t(1, (1, 4))], "QUANTIZE", (0,), (1,))) is None
    from dataclasses import replace

    from mcugen.ir import Quant
    int16 = replace(_t(0, (1, 4), dtype="INT16"), quant=Quant((0.001,), (0,)))
    assert _reason(_graph([int16, _t(1, (1, 4))], "QUANTIZE", (0,), (1,))) is None
    assert "quantized" in _reason(_graph([_t(0, (1, 4), dtype="INT16"), _t(1, (1, 4))], "QUANTIZE", (0,), (1,)))
    g = _graph([_t(0, (1, 4), dtype="FLOAT32"), _t(1, (1, 4), dtype="INT16")], "QUANTIZE", (0,), (1,))
    assert "quantized int16" in _reason(g)  # float -> int16 (16x8 models) needs a quantized output
    g = _graph([_t(0, (1, 4), dtype="FLOAT32"), replace(_t(1, (1, 4), dtype="INT16"), quant=Quant((0.001,), (0,)))],
               "QUANTIZE", (0,), (1,))
    assert _reason(g) is None
    g = _graph([_t(0, (1, 4), dtype="FLOAT32"), _t(1, (1, 4), dtype="INT32")], "QUANTIZE", (0,), (1,))
    assert "INT32" in _reason(g)  # tflite-micro quantizes floats to int8 and int16 only
    g = _graph([_t(0, (1, 4), dtype="UINT8"), _t(1, (1, 4))], "QUANTIZE", (0,), (1,))
    assert "UINT8" in _reason(g)


def test_hard_swish_refuses_an_output_finer_than_tflm_allows():
    g = _graph([_t(0, (1, 4), scale=1.0), _t(1, (1, 4), scale=1e-4)], "HARD_SWISH", (0,), (1,))
    assert "TFLM rejects" in _reason(g)


def test_relu_n1_to_1_is_not_claimed():
    g = _graph([_t(0, (1, 4)), _t(1, (1, 4))], "RELU_N1_TO_1", (0,), (1,))
    assert "no mcugen kernel" in _reason(g)


def test_op_modules_are_the_builtin_package_and_the_template_is_not_registered():
    import importlib
    import pkgutil

    from mcugen.ops import REGISTRY, builtin

    modules = {m.name for m in pkgutil.iter_modules(builtin.__path__)}
    assert "_template" in modules
    registered = {mod.__name__.rsplit(".", 1)[1] for mod in REGISTRY.values()}
    assert registered == modules - {"_template"}
    template = importlib.import_module("mcugen.ops.builtin._template")
    assert template.KINDS and callable(template.check) and callable(template.lower)
    assert not set(template.KINDS) & set(REGISTRY)


def test_absent_optional_input_is_not_a_tensor():
    g = _graph([_t(0, (1, 4)), _t(1, (1, 4))], "RELU", (0,), (1,))
    with pytest.raises(IndexError, match="does not exist"):
        g.tensor(-1)


def test_softmax_with_a_tiny_input_scale_is_refused_not_a_crash():
    """TFLM's PreprocessSoftmaxScaling aborts when beta * scale * 2^26 <= 1; mcugen refuses it."""
    g = _graph([_t(0, (1, 10), scale=2.0 ** -30), _t(1, (1, 10), scale=1 / 256, zp=-128)], "SOFTMAX", (0,), (1,),
               {"beta": 1.0})
    assert "2^-26" in _reason(g)
    ok = _graph([_t(0, (1, 10), scale=0.1), _t(1, (1, 10), scale=1 / 256, zp=-128)], "SOFTMAX", (0,), (1,),
                {"beta": 1.0})
    assert _reason(ok) is None
