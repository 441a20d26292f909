"""The exp() and 1 / (1 + x) tables of mcugen's int16 SOFTMAX are tflite-micro's: probe rows that
meet every input of the exp() lookup (tests/support/tflm_tables.py) give the runtime's outputs
through SoftmaxInt16 on mcugen's tables, and those outputs pin every entry of both tables."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen.ops import softmax16
from tests.support.tflm_tables import (SOFTMAX_PROBE_SCALE, run_tflm, softmax16_model, softmax16_probe_rows,
                                       softmax16_reference)


@pytest.fixture(scope="module")
def probes():
    """(rows, the runtime's outputs) for each family of probe rows, and the input rescale."""
    multiplier, shift = softmax16.input_rescale(SOFTMAX_PROBE_SCALE, 1.0)
    assert (multiplier, shift) == ((1 << 30) + 102, 1)  # a hair above one: every difference d maps to d
    found = [(rows, run_tflm(softmax16_model(rows.shape, SOFTMAX_PROBE_SCALE), rows))
             for rows in softmax16_probe_rows()]
    return found, multiplier, shift


def _agrees(probes, exp_table, reciprocal_table) -> bool:
    found, multiplier, shift = probes
    return all(np.array_equal(softmax16_reference(rows, multiplier, shift, exp_table, reciprocal_table), outputs)
               for rows, outputs in found)


def test_tables_reproduce_the_runtime(probes):
    tables = softmax16.exp_table(), softmax16.one_over_one_plus_x_table()
    assert len(tables[0]) == len(tables[1]) == 513
    assert tables[0][-1] == 32767 and tables[1][0] == 32767 and tables[1][-1] == 16384  # exp(0), 1/1, 1/2
    assert _agrees(probes, *tables)


@pytest.mark.slow
def test_the_probes_pin_every_table_entry(probes):
    """Each entry one off, alone, changes some output: the runtime admits no other tables nearby."""
    tables = [list(softmax16.exp_table()), list(softmax16.one_over_one_plus_x_table())]
    for which in (0, 1):
        for entry in range(513):
            for step in (-1, 1):
                changed = [list(t) for t in tables]
                changed[which][entry] += step
                assert not _agrees(probes, *changed), (("exp", "reciprocal")[which], entry, step)


def test_input_rescale_follows_prepare():
    assert softmax16.input_rescale(10.0 / 65535.0, 2.0)[1] == 2  # beta scales the difference
    assert softmax16.input_rescale(3.0517578125e-05, 1.0) == softmax16.input_rescale(6.103515625e-05, 0.5)
