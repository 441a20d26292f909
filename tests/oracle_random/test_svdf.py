"""SVDF (int8 input/output, int8 or int16 state and time weights) bit-exact with tflite-micro over
streams of consecutive invokes, so the state carried from frame to frame is checked, under both
arena plans. No Keras layer converts to SVDF: the models are written with the TFLite schema
(tests/support/handmade.py), with random weights, shapes, scales and zero points."""
from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass, replace

import numpy as np
import pytest

from mcugen.convert.tflite_reader import read_graph
from mcugen.ops import lower_graph, unsupported_reason
from mcugen.ops.builtin import svdf
from mcugen.ops.quant import f32
from tests.support.handmade import OpSpec, Spec, model_of, one_op_model
from tests.support.oracle import assert_exact, random_samples, tflm_accepts

STREAM = 16  # invokes per model, in order from a reset state


@dataclass(frozen=True)
class Case:
    seed: int
    batch: int = 1
    rank: int = 1
    state: str = "INT8"  # the state's and the time weights' type
    activation: str = "RELU"
    input_size: int = 0  # 0: drawn from the seed, as the other zeros below
    units: int = 0
    memory: int = 0
    state_zero_point: int | None = None
    feature_gain: float = 0.0  # the state's typical |value| / its range; 0: drawn
    bias: bool = True
    weights_time: str = ""  # "": the state's type


def svdf_tensors(case: Case, first: int = 0, in_spec: Spec | None = None) -> list[Spec]:
    """(input, weights_feature, weights_time, bias, state, output) of one SVDF layer with lively
    values: scales chosen so that typical features fill a fraction of the state's range and
    typical outputs one of int8's (some saturate). `in_spec` replaces the drawn input."""
    rng = np.random.default_rng(case.seed + 1000 * first)
    draw = lambda value, lo, hi: value or int(rng.integers(lo, hi + 1))  # noqa: E731
    n_in, units, memory = draw(case.input_size, 1, 48), draw(case.units, 1, 20), draw(case.memory, 1, 12)
    filters, time_type = units * case.rank, case.weights_time or case.state
    inp = in_spec or Spec((case.batch, n_in), "INT8", f32(rng.uniform(0.005, 0.1)), int(rng.integers(-128, 128)))
    n_in = inp.shape[1]
    feature_scale = f32(rng.uniform(0.002, 0.02))
    state_max = 127 if case.state == "INT8" else 32767
    time_max = 127 if time_type == "INT8" else 2048
    gain = case.feature_gain or rng.uniform(0.15, 1.2)
    state_scale = f32(inp.scale * feature_scale * 5400 * np.sqrt(n_in) / gain / state_max)
    time_scale = f32(rng.uniform(0.002, 0.02) if time_type == "INT8" else rng.uniform(1e-5, 1e-4))
    typical_sum = np.sqrt(memory * case.rank) * time_max / 1.7 * state_max / 3
    zero_point = (case.state_zero_point if case.state_zero_point is not None
                  else int(rng.integers(-60, 61)) if case.state == "INT8" else int(rng.integers(-300, 301)))
    ctype = {"INT8": np.int8, "INT16": np.int16}
    return [
        inp,
        Spec((filters, n_in), "INT8", feature_scale, 0, rng.integers(-127, 128, (filters, n_in)).astype(np.int8)),
        Spec((filters, memory), time_type, time_scale, 0,
             rng.integers(-time_max, time_max + 1, (filters, memory)).astype(ctype[time_type])),
        Spec((units,), "INT32", f32(state_scale * time_scale), 0,
             rng.integers(-int(typical_sum), int(typical_sum) + 1, units).astype(np.int32)),
        Spec((case.batch, memory * filters), case.state, state_scale, zero_point, variable=True),
        Spec((case.batch, units), "INT8", f32(state_scale * time_scale * typical_sum / rng.uniform(20, 150)),
             int(rng.integers(-128, 61))),
    ]


def svdf_op(case: Case, first: int = 0) -> OpSpec:
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    options = schema.SVDFOptionsT()
    options.rank = case.rank
    options.fusedActivationFunction = getattr(schema.ActivationFunctionType, case.activation)
    ids = tuple(range(first, first + 6))
    return OpSpec("SVDF", (ids[0], ids[1], ids[2], ids[3] if case.bias else -1, ids[4]), (ids[5],), options, 3)


def svdf_model(case: Case) -> bytes:
    return model_of(svdf_tensors(case), [svdf_op(case)])


# rank x batch x state type x fused activation, a half of the 16 combinations each way, plus
# random shapes, scales and zero points per seed
CASES = [Case(1, 1, 1, "INT8", "RELU"), Case(2, 2, 1, "INT8", "NONE"), Case(3, 1, 2, "INT8", "NONE"),
         Case(4, 2, 2, "INT8", "RELU"), Case(5, 1, 1, "INT16", "NONE"), Case(6, 2, 1, "INT16", "RELU"),
         Case(7, 1, 2, "INT16", "RELU"), Case(8, 2, 2, "INT16", "NONE"),
         Case(21, 1, 1, "INT8", "RELU", input_size=1, units=1, memory=1),
         Case(10, 1, 2, "INT16", "RELU", input_size=96, units=16, memory=10)]


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"seed{c.seed}-b{c.batch}-r{c.rank}-{c.state}-{c.activation}")
def test_svdf_streams_are_bit_exact(case, tmp_path):
    model = svdf_model(case)
    assert [c.function for c in lower_graph(read_graph(model))] == ["mg_svdf_s8"]
    assert assert_exact(model, random_samples(model, STREAM, seed=case.seed), tmp_path) == {"svdf"}


def test_int8_state_stores_wrap_like_tflite_micro(tmp_path):
    """TFLM clamps a feature to int8, then adds the state zero point and stores the sum modulo
    2^8: with zero point -100 and saturating features (gain 50), -128 - 100 is kept as 28."""
    model = svdf_model(Case(11, state_zero_point=-100, feature_gain=50.0, input_size=6, units=5, memory=4))
    assert_exact(model, random_samples(model, STREAM, seed=11), tmp_path, plans=(True,))


def test_fused_activation_is_ignored_like_tflite_micro(tmp_path):
    """tflite-micro's integer SVDF reads the fused activation and never applies it: a RELU layer
    whose output zero point is 0 still outputs negative values there, and so does mcugen."""
    from tests.support.oracle import tflm_outputs

    tensors = svdf_tensors(Case(12))
    tensors[5] = replace(tensors[5], zero_point=0)
    model = model_of(tensors, [svdf_op(Case(12, activation="RELU"))])
    samples = random_samples(model, STREAM, seed=12)
    assert min(int(out[0].min()) for out in tflm_outputs(model, samples)) < 0
    assert_exact(model, samples, tmp_path, plans=(False,))


# Scale triples (input, weights_feature, state) and (state, weights_time, output) whose float32
# product gives another multiplier than the double one, with a weight and an input value that
# show the difference in the output. The tflite-micro source computes in float, the runtime in double.
FEATURE_SCALES = (0.01521033700555563, 0.010137598030269146, 0.027142265811562538, 114, 44)


def _one_tap_model(input_scale, feature_scale, state_scale, time_scale, output_scale, weight, time_weight):
    """A 1-input, 1-filter, 1-memory SVDF: its output is one requantization of each stage."""
    tensors = [Spec((1, 1), "INT8", input_scale, 0),
               Spec((1, 1), "INT8", feature_scale, 0, np.array([[weight]], np.int8)),
               Spec((1, 1), "INT8", time_scale, 0, np.array([[time_weight]], np.int8)),
               Spec((1,), "INT32", f32(state_scale * time_scale), 0, np.zeros(1, np.int32)),
               Spec((1, 1), "INT8", state_scale, 0, variable=True),
               Spec((1, 1), "INT8", output_scale, 0)]
    return model_of(tensors, [svdf_op(Case(0))])


@pytest.mark.parametrize("stage", ["input-to-state", "state-to-output"])
def test_scale_products_are_taken_in_double(stage, tmp_path):
    from mcugen.ops import quant
    from mcugen.ops.fixedpoint import multiply_by_quantized_multiplier as requantize
    from tests.support.oracle import tflm_outputs

    a, b, c, weight, x = FEATURE_SCALES
    if stage == "input-to-state":  # the state-to-output stage is exact: scale 1 (2^30, shift 1)
        model = _one_tap_model(a, b, c, 0.5, f32(c * 0.5), weight, 1)
    else:  # the input-to-state stage is exact: the state takes the input value
        model = _one_tap_model(a, 1.0, a, b, c, 1, weight)
    as_float = requantize(weight * x, *quant.quantize_multiplier(f32(f32(a * b) / c)))
    as_double = requantize(weight * x, *quant.quantize_multiplier(f32(a) * f32(b) / f32(c)))
    sample = [[np.array([[x]], np.int8)]]
    assert as_float != as_double and tflm_outputs(model, sample)[0][0].item() == as_double
    assert_exact(model, sample, tmp_path, plans=(True,))


def two_layer_model() -> bytes:
    """SVDF -> SVDF, int8 then int16 state: two state tensors, both lively, in one stream."""
    first = svdf_tensors(Case(13, memory=5, units=6, rank=2))
    second = svdf_tensors(Case(14, state="INT16", memory=3), first=6, in_spec=first[5])
    return model_of(first + second[1:], [svdf_op(Case(13, rank=2)), svdf_op(Case(14), first=5)])


def test_two_layers_keep_their_own_state(tmp_path):
    model = two_layer_model()
    graph = read_graph(model)
    assert len(graph.state_ids) == 2 and [op.kind for op in graph.ops] == ["SVDF", "SVDF"]
    assert_exact(model, random_samples(model, STREAM, seed=13), tmp_path)


@pytest.mark.slow
def test_two_layers_stream_bit_exact_on_mps2_an386(tmp_path):
    """The same model's self-test under QEMU (a Cortex-M4: the dsp variant keeps the portable
    SVDF kernel): 12 frames in a row from a reset state, both state types."""
    from mcugen.project.api import build

    path = tmp_path / "svdf2.tflite"
    path.write_bytes(two_layer_model())
    result = build(path, "mps2_an386", tmp_path / "fw", run=True, selftest_only=True)
    assert result.run is not None and result.run.passed, result.run.console if result.run else ""
    assert "PASS 12/12 samples bit-exact" in result.run.result_line


def _set(case_tensors: list[Spec], index: int, **changes) -> list[Spec]:
    return [replace(t, **changes) if i == index else t for i, t in enumerate(case_tensors)]


def _variants() -> dict[str, tuple[bytes, str, bool]]:
    """name -> (model, the phrase mcugen's reason holds, whether tflite-micro prepares it)."""
    base = Case(20, units=4, rank=2, memory=3, input_size=5)
    tensors, op = svdf_tensors(base), svdf_op(base)
    float_tensors = [replace(t, dtype="FLOAT32", scale=None, zero_point=0,
                             data=None if t.data is None else t.data.astype(np.float32)) for t in tensors]
    rank3 = svdf_op(base)
    rank3.options.rank = 3
    # tflite-micro reads an int8 state through int16 time weights' type: past its end, a crash
    mixed = _set(tensors, 2, dtype="INT16", data=tensors[2].data.astype(np.int16))
    return {
        "no bias": (model_of(tensors, [replace(op, inputs=op.inputs[:3] + (-1,) + op.inputs[4:])]), "no bias", False),
        "float": (model_of(float_tensors, [op]), "float SVDF", True),
        "rank not dividing the filters": (model_of(tensors, [rank3]), "rank 3", False),
        "bias scale": (model_of(_set(tensors, 3, scale=tensors[3].scale * 2 + 1e-4), [op]), "bias scale", False),
        "state not variable": (model_of(_set(tensors, 4, variable=False), [op]), "not a variable", False),
        "int16 weights_time, int8 state": (model_of(mixed, [op]), "mixed widths", True),
        "int16 input": (model_of(_set(tensors, 0, dtype="INT16"), [op]), "int8 only", False),
        "4 inputs": (model_of(tensors, [replace(op, inputs=op.inputs[:4])]), "4 inputs", False),
        "int32 weights_feature": (model_of(_set(tensors, 1, dtype="INT32", data=tensors[1].data.astype(np.int32)),
                                           [op]), "int8 only", False),
    }


_RUN_TWICE = """
import sys, numpy as np
from mcugen.oracle import TflmOracle
oracle = TflmOracle(open(sys.argv[1], "rb").read())
for _ in range(2):
    oracle.run([np.zeros((1, 5), np.int8)])
"""


@pytest.mark.parametrize("name", list(_variants()))
def test_refuses_what_tflite_micro_refuses(name, tmp_path):
    model, phrase, tflm_prepares = _variants()[name]
    graph = read_graph(model)
    reason = unsupported_reason(graph, graph.ops[0])
    assert reason and phrase in reason, reason
    assert tflm_accepts(model, tmp_path) == tflm_prepares
    if name == "int16 weights_time, int8 state":  # prepares, then reads past the state's end
        path = tmp_path / "mixed.tflite"
        path.write_bytes(model)
        assert subprocess.run([sys.executable, "-c", _RUN_TWICE, str(path)], capture_output=True).returncode != 0


def test_int16_state_with_int8_time_weights_is_refused():
    """tflite-micro prepares it and then reads the int16 state as int8 values (the time weights'
    type): outputs of no meaning, so mcugen refuses it with that reason."""
    tensors = svdf_tensors(Case(23, state="INT16", weights_time="INT8"))
    graph = read_graph(model_of(tensors, [svdf_op(Case(23))]))
    assert "mixed widths" in unsupported_reason(graph, graph.ops[0])


def test_no_scratch_and_the_lowered_numbers():
    """The kernel needs no scratch (one filter at a time); the folded sums are TFLM's."""
    case = Case(22, input_size=3, units=2, rank=2, memory=2, state_zero_point=7)
    graph = read_graph(svdf_model(case))
    call = svdf.lower(graph, graph.ops[0])
    assert call.scratch_bytes == 0 and call.state == (4,)
    inp, feature, time, bias = (graph.tensor(t) for t in graph.ops[0].inputs[:4])
    consts = {c.name: c.values for c in call.consts}
    assert list(consts["feature_bias"]) == (-inp.quant.zero_point * feature.array().astype(int).sum(axis=1)).tolist()
    time_sums = time.array().astype(int).sum(axis=1).reshape(2, 2).sum(axis=1)
    assert list(consts["unit_bias"]) == (bias.array() - 7 * time_sums).tolist()
