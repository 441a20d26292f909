"""The oracle harness itself: it compares every output byte, and a named case never passes by
comparing nothing."""
from __future__ import annotations

import numpy as np
import pytest

import tests.support.oracle as oracle
from mcugen.hostrun import diff_outputs

HELLO = "hello_world/hello_world_int8.tflite"


def test_one_wrong_output_byte_fails_under_each_plan(shared_models, tmp_path, monkeypatch):
    model = (shared_models / HELLO).read_bytes()
    samples = oracle.random_samples(model, 5, seed=0)
    assert oracle.assert_exact(model, samples, tmp_path / "right") == {"fully_connected"}
    true_outputs = oracle.tflm_outputs

    for plan in (True, False):
        def one_byte_off(model, samples):
            outputs = true_outputs(model, samples)
            outputs[-1][0].reshape(-1)[-1] ^= 1  # the last byte of the last sample
            return outputs

        monkeypatch.setattr(oracle, "tflm_outputs", one_byte_off)
        with pytest.raises(AssertionError, match=r"1 mismatching outputs .*\(4, 0, 1\)"):
            oracle.assert_exact(model, samples, tmp_path / f"wrong_{plan}", plans=(plan,))


def test_a_named_case_tflite_micro_refuses_fails(shared_models, tmp_path, monkeypatch):
    model = (shared_models / HELLO).read_bytes()
    assert oracle.tflm_accepts(model, tmp_path)
    monkeypatch.setattr(oracle, "tflm_accepts", lambda model, workdir: False)
    with pytest.raises(pytest.fail.Exception, match="tflite-micro cannot prepare this named case"):
        oracle.assert_exact(model, oracle.random_samples(model, 1, seed=0), tmp_path)
    # a randomized draw may be refused, but only by both: mcugen accepts hello_world
    with pytest.raises(AssertionError, match="mcugen accepts it"):
        oracle.assert_exact(model, oracle.random_samples(model, 1, seed=0), tmp_path, may_refuse=True)


def test_diff_outputs_compares_bytes_and_dtypes():
    ints = [[np.array([1, -5, 7], np.int8)]]
    assert diff_outputs(ints, [[np.array([1, -5, 7], np.int8)]]) == ()
    assert diff_outputs(ints, [[np.array([1, 3, 7], np.int8)]]) == ((0, 0, 8),)
    assert diff_outputs(ints, [[np.array([1, -5, 7], np.int32)]]) == ((0, 0, 0),)  # dtype differs
    zero = [[np.array([0.0], np.float32)]]
    assert diff_outputs(zero, [[np.array([-0.0], np.float32)]]) == ((0, 0, 0.0),)  # sign bit
    assert diff_outputs(zero, [[np.array([0.25], np.float32)]]) == ((0, 0, 0.25),)
