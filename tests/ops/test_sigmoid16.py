"""The sigmoid table mcugen's int16 LOGISTIC and TANH interpolate in is tflite-micro's: measured
again from its runtime here (tests/support/tflm_tables.py), entry by entry."""
from __future__ import annotations

from mcugen.ops.sigmoid16 import SIGMOID_TABLE_U16, checked_log2, input_params
from tests.support.tflm_tables import measure_sigmoid_table


def test_table_is_tflite_micros():
    assert measure_sigmoid_table() == SIGMOID_TABLE_U16


def test_input_rescale_follows_prepare():
    assert checked_log2(2.0 ** -12) == (-12, True)
    assert checked_log2(3.0e-4)[1] is False
    assert input_params("LOGISTIC", 2.0 ** -12) == (0, 0)  # Q3.12 input: the power-of-two path
    assert input_params("TANH", 2.0 ** -11) == (0, 1)  # TANH also takes shift 1 as a power of two
    multiplier, shift = input_params("LOGISTIC", 2.0 ** -11)  # LOGISTIC does not
    assert 16383.5 < multiplier <= 32767 and shift > 0
