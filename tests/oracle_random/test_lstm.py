"""UNIDIRECTIONAL_SEQUENCE_LSTM against tflite-micro, bit for bit, over streams of invokes (the
output and cell states are variable tensors: every invoke starts from the state the previous one
left, in the generated code as in the one tflite-micro interpreter the oracle keeps open).

Models: flatbuffers with random weights and quantization (tests/support/lstm_models.py: int8 and
16x8, time- and batch-major, batches, cell clips, cell scales, gate saturation), Keras 2 (tf_keras)
LSTM layers converted to int8 by TensorFlow (the fused op; Keras 3 LSTMs crash the converter),
the real micro_speech_lstm, and the variants tflite-micro refuses.
"""
from __future__ import annotations

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mcugen.convert.tflite_reader import read_graph
from mcugen.ops import lower_graph, unsupported_reason
from tests.support.lstm_models import LstmSpec, lstm_model
from tests.support.oracle import assert_exact, examples, random_samples, tflm_accepts, to_int8

STREAM = 12  # invokes per model, one after the other without a reset


def stream(model: bytes, seed: int, count: int = STREAM) -> list[list[np.ndarray]]:
    """`count` random inputs with the first one repeated in the middle: the same frame must give
    another output once the state has moved (checked by `assert_stream_exact`)."""
    samples = random_samples(model, count, seed=seed)
    samples[count // 2] = samples[0]
    return samples


def assert_stream_exact(model: bytes, tmp_path, seed: int = 1, kernel: str = "unidirectional_sequence_lstm"):
    samples = stream(model, seed)
    assert kernel in assert_exact(model, samples, tmp_path)
    from mcugen.hostrun import tflm_outputs

    outputs = tflm_outputs(model, samples)
    first, again = outputs[0], outputs[STREAM // 2]
    assert any(not np.array_equal(a, b) for a, b in zip(first, again)), "the state did not carry"


CASES = {
    "int8 batch-major": LstmSpec(input_size=6, state_size=4, steps=3, seed=1),
    "int8 time-major, batch 2": LstmSpec(input_size=9, state_size=7, batch=2, steps=4, time_major=True, seed=2),
    "int8 batch-major, batch 3, no clip": LstmSpec(input_size=5, state_size=8, batch=3, steps=2, cell_clip=0.0,
                                                   seed=3),
    "int8 clip that bites": LstmSpec(input_size=11, state_size=5, steps=5, cell_clip=0.6, gain=6.0, seed=4),
    "int8 saturated gates": LstmSpec(input_size=20, state_size=9, steps=2, gain=25.0, seed=5),
    "int8 coarse cell scale, not a power of two": LstmSpec(input_size=7, state_size=6, cell_scale_log2=-4,
                                                           cell_scale_factor=1.3, seed=6),
    "int8 one unit, one step": LstmSpec(input_size=1, state_size=1, steps=1, seed=7),
    "16x8 batch-major": LstmSpec(input_size=8, state_size=6, steps=3, int16=True, seed=8),
    "16x8 time-major, batch 3, fine cell scale": LstmSpec(input_size=5, state_size=4, batch=3, steps=2,
                                                         time_major=True, int16=True, cell_scale_log2=-20,
                                                         seed=9),
    "16x8 saturated, tight clip": LstmSpec(input_size=13, state_size=3, steps=1, int16=True, gain=12.0,
                                           cell_clip=0.3, seed=10),
}


@pytest.mark.parametrize("case", CASES)
def test_lstm_streams_are_bit_exact(case, tmp_path):
    spec = CASES[case]
    model = lstm_model(spec)
    [call] = lower_graph(read_graph(model))
    assert call.type_suffix == ("s16" if spec.int16 else "s8") and len(call.state) == 2
    assert_stream_exact(model, tmp_path)


@pytest.mark.slow
@examples(24)
@given(input_size=st.integers(1, 40), state_size=st.integers(1, 24), batch=st.integers(1, 3),
       steps=st.integers(1, 5), time_major=st.booleans(), int16=st.booleans(),
       cell_clip=st.sampled_from([0.0, 0.5, 3.0, 10.0, 1e6]), cell_scale_log2=st.integers(-24, 2),
       cell_scale_factor=st.sampled_from([1.0, 1.0, 0.8, 1.4]), gain=st.sampled_from([0.5, 2.0, 6.0, 20.0]),
       seed=st.integers(0, 2**16))
def test_random_lstms(tmp_path_factory, **spec):
    model = lstm_model(LstmSpec(**spec))
    assert_exact(model, stream(model, seed=spec["seed"]), tmp_path_factory.mktemp("lstm"))


def keras2_lstm(units: int, features: int, steps: int, batch: int, return_sequences: bool = True,
                time_major: bool = False, seed: int = 0) -> bytes:
    """A Keras 2 (tf_keras) LSTM converted to int8: TensorFlow fuses it into one
    UNIDIRECTIONAL_SEQUENCE_LSTM (cell clip 10). Keras 3 LSTMs and tf_keras ones with another
    activation, no bias or `stateful` crash the converter (SIGSEGV)."""
    import tf_keras

    tf_keras.utils.set_random_seed(seed)
    outer, inner = (steps, batch) if time_major else (batch, steps)
    x = tf_keras.Input((inner, features), batch_size=outer)
    y = tf_keras.layers.LSTM(units, return_sequences=return_sequences, time_major=time_major)(x)
    shape = (outer, inner, features)  # calibrate with the whole batch, not to_int8's batch of 1
    return to_int8(tf_keras.Model(x, y), seed=seed, calibration=lambda rng, _: rng.uniform(-2.0, 2.0, shape))


KERAS = {
    "sequence": dict(units=4, features=6, steps=5, batch=1),
    "batch 2, 16 units": dict(units=16, features=10, steps=3, batch=2),
    "last output only": dict(units=8, features=5, steps=4, batch=1, return_sequences=False),
    "time-major, batch 2": dict(units=6, features=7, steps=3, batch=2, time_major=True),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", KERAS)
def test_keras2_lstm_converts_to_the_fused_op_and_is_bit_exact(case, tmp_path):
    model = keras2_lstm(**KERAS[case], seed=len(case))
    graph = read_graph(model)
    kinds = [op.kind for op in graph.ops]
    assert kinds[0] == "UNIDIRECTIONAL_SEQUENCE_LSTM", kinds
    # only the last step is wanted: the converter slices it off the full sequence
    assert kinds[1:] == (["STRIDED_SLICE"] if KERAS[case].get("return_sequences") is False else []), kinds
    assert graph.ops[0].options["time_major"] == KERAS[case].get("time_major", False)
    assert_stream_exact(model, tmp_path, seed=3)


def with_lstm_output(model: bytes) -> bytes:
    """`model` with the LSTM's output sequence as a second model output, so the oracle compares
    it, not only what the softmax leaves of it."""
    import flatbuffers
    from tflite_micro.tensorflow.lite.micro.python import schema_py_generated as schema

    m = schema.ModelT.InitFromObj(schema.Model.GetRootAs(model, 0))
    graph = m.subgraphs[0]
    graph.outputs = [*graph.outputs, graph.operators[0].outputs[0]]
    builder = flatbuffers.Builder(1024)
    builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


@pytest.fixture(scope="module")
def micro_speech(shared_models) -> bytes:
    return (shared_models / "breadth" / "micro_speech_lstm.tflite").read_bytes()


def test_micro_speech_lstm_stream_is_bit_exact(micro_speech, tmp_path):
    graph = read_graph(micro_speech)
    assert [op.kind for op in graph.ops] == ["UNIDIRECTIONAL_SEQUENCE_LSTM", "RESHAPE", "FULLY_CONNECTED",
                                             "SOFTMAX"]
    assert {graph.tensor(t).dtype for t in graph.state_ids} == {"INT8", "INT16"}
    model = with_lstm_output(micro_speech)
    assert len(read_graph(model).outputs) == 2
    assert_stream_exact(model, tmp_path, seed=5)


def _selftest_on_mps2_an386(model: bytes, tmp_path, minimum: int) -> None:
    """The self-test firmware under QEMU runs a stream of frames from a reset state, tflite-micro's
    outputs for the same stream baked in; at least `minimum` frames."""
    from mcugen.project.api import build
    from mcugen.project.files import selftest_sample_count

    path = tmp_path / "lstm.tflite"
    path.write_bytes(model)
    result = build(path, "mps2_an386", tmp_path / "fw", run=True, selftest_only=True)
    assert result.run is not None and result.run.passed, result.run.console if result.run else ""
    found = re.match(r"mcugen-selftest: PASS (\d+)/(\d+) samples bit-exact", result.run.result_line)
    count = selftest_sample_count(read_graph(model))
    assert found and found.group(1) == found.group(2) == str(count) and count >= minimum, result.run.result_line


@pytest.mark.slow
def test_micro_speech_lstm_streams_bit_exact_on_mps2_an386(micro_speech, tmp_path):
    _selftest_on_mps2_an386(micro_speech, tmp_path, minimum=5)  # 12 KiB frames: 5 fit the budget


@pytest.mark.slow
@pytest.mark.parametrize("case", ["int8 time-major, batch 2", "16x8 batch-major"])
def test_small_lstm_streams_bit_exact_on_mps2_an386(case, tmp_path):
    _selftest_on_mps2_an386(lstm_model(CASES[case]), tmp_path, minimum=12)


@pytest.mark.slow
def test_a_keras2_h5_lstm_builds_and_streams_bit_exact_on_mps2_an386(tmp_path):
    """The user's route: a Keras 2 .h5 (fixed batch: with a dynamic one TensorFlow cannot lower
    the LSTM's tensor lists) through mcugen's own conversion, to a 12-frame self-test on QEMU."""
    import tf_keras

    from mcugen.project.api import build

    tf_keras.utils.set_random_seed(4)
    x = tf_keras.Input((5, 6), batch_size=1)
    model = tf_keras.Model(x, tf_keras.layers.Dense(3, activation="softmax")(tf_keras.layers.LSTM(8)(x)))
    path = tmp_path / "lstm.h5"
    model.save(path)
    result = build(path, "mps2_an386", tmp_path / "fw", run=True, selftest_only=True)
    assert result.state_bytes == 32  # output state 8 B and cell state 16 B, each 16-aligned
    assert result.run is not None and result.run.passed, result.run.console if result.run else ""
    assert "PASS 12/12" in result.run.result_line, result.run.result_line


def _refused(model: bytes, words: str, tmp_path, tflm_refuses: bool) -> None:
    graph = read_graph(model)
    reason = unsupported_reason(graph, graph.ops[0])
    assert reason and words in reason, reason
    # tflite-micro either fails in Prepare, or runs it with undefined or meaningless numbers
    assert tflm_accepts(model, tmp_path) is not tflm_refuses


REFUSED_BY_TFLM = {  # Prepare fails
    "peephole": (dict(spec=LstmSpec(extra={10: "peephole"})), "peephole"),
    "projection": (dict(spec=LstmSpec(extra={16: "projection_weights"})), "projection"),
    "layer norm": (dict(spec=LstmSpec(extra={21: "layer_norm"})), "layer normalization"),
    "CIFG": (dict(spec=LstmSpec(), omit=(1, 5, 12)), "CIFG"),
    "1-D state": (dict(spec=LstmSpec(batch=2), hidden_shape_1d=True), "2-D"),
    "int8 cell state": (dict(spec=LstmSpec(), cell_type="INT8"), "int16"),
}
REFUSED_BY_MCUGEN = {  # tflite-micro runs them, but not as the model means
    "per-channel weights": (dict(spec=LstmSpec(), per_channel_slot=3), "per-channel"),  # an unset multiplier
    "RELU cell activation": (dict(spec=LstmSpec(activation="RELU")), "TANH only"),  # activation skipped
    "int64 bias on int8": (dict(spec=LstmSpec(), bias_type="INT64"), "int32"),  # read as int32
    "int32 bias on 16x8": (dict(spec=LstmSpec(int16=True), bias_type="INT32"), "int64"),  # read past its end
    "asymmetric weights": (dict(spec=LstmSpec(), weight_zero_point=3), "zero point"),  # a debug check
    "cell scale 8": (dict(spec=LstmSpec(cell_scale_log2=3)), "overflows"),  # int32 overflow in its tanh
}


@pytest.mark.parametrize("case", REFUSED_BY_TFLM)
def test_what_tflite_micro_refuses_is_refused(case, tmp_path):
    kwargs, words = REFUSED_BY_TFLM[case]
    _refused(lstm_model(**kwargs), words, tmp_path, tflm_refuses=True)


@pytest.mark.parametrize("case", REFUSED_BY_MCUGEN)
def test_what_tflite_micro_runs_wrongly_is_refused_with_a_reason(case, tmp_path):
    kwargs, words = REFUSED_BY_MCUGEN[case]
    _refused(lstm_model(**kwargs), words, tmp_path, tflm_refuses=False)
