"""MAC counting for op kinds the shared models don't have, on hand-built graphs."""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op, Tensor
from mcugen.stats import model_stats, op_macs


def _act(tid, shape):
    return Tensor(tid, f"t{tid}", shape, "INT8")


def _const(tid, shape, dtype="INT8"):
    itemsize = 4 if dtype == "INT32" else 1
    return Tensor(tid, f"c{tid}", shape, dtype, data=bytes(int(np.prod(shape)) * itemsize))


def test_mean_transpose_conv_and_grouped_conv():
    tensors = (
        _act(0, (1, 8, 8, 16)),
        _const(1, (2,), "INT32"),  # MEAN axes
        _act(2, (1, 1, 1, 16)),
        _const(3, (4,), "INT32"),  # TRANSPOSE_CONV output shape
        _const(4, (8, 3, 3, 16)),  # transpose-conv weights [O, kh, kw, I]
        _act(5, (1, 16, 16, 8)),
        _const(6, (8, 3, 3, 4)),  # grouped conv: 16 input channels in 4 groups of 4
        _act(7, (1, 8, 8, 8)),
    )
    ops = (
        Op(0, "MEAN", 1, (0, 1), (2,)),
        Op(1, "TRANSPOSE_CONV", 1, (3, 4, 0, -1), (5,)),
        Op(2, "CONV_2D", 1, (0, 6, -1), (7,)),
        Op(3, "RESHAPE", 1, (2, 1), (2,)),
    )
    graph = Graph(tensors, ops, inputs=(0,), outputs=(2, 5, 7))
    assert op_macs(graph, ops[0]) == 8 * 8 * 16
    assert op_macs(graph, ops[1]) == (8 * 8 * 16) * 3 * 3 * 8
    assert op_macs(graph, ops[2]) == (8 * 8 * 8) * 3 * 3 * 4
    assert op_macs(graph, ops[3]) == 0
    stats = model_stats(graph)
    assert stats.macs == sum(op_macs(graph, op) for op in ops)
    # constants counted once even when two ops share one (the axes tensor)
    assert stats.params == 2 + 4 + 8 * 3 * 3 * 16 + 8 * 3 * 3 * 4
    assert stats.weight_bytes == 2 * 4 + 4 * 4 + 8 * 3 * 3 * 16 + 8 * 3 * 3 * 4
    assert stats.largest_activation_bytes == 16 * 16 * 8
    assert dict(stats.op_counts) == {"MEAN": 1, "TRANSPOSE_CONV": 1, "CONV_2D": 1, "RESHAPE": 1}


def test_generate_and_inspect_report_the_same_macs(shared_models, tmp_path):
    """One MAC count (stats.op_macs): what `generate` prints is what `inspect` totals."""
    import json
    import re
    import subprocess
    import sys

    model = str(shared_models / "ic/pretrainedResnet_quant.tflite")
    run = [sys.executable, "-m", "mcugen", "--no-progress"]
    inspected = subprocess.run([*run, "inspect", model, "--json"], capture_output=True, text=True, check=True)
    generated = subprocess.run([*run, "generate", model, "-o", str(tmp_path / "lib"), "--no-size"],
                               capture_output=True, text=True, check=True)
    printed = int(re.search(r"([\d,]+) MACs", generated.stderr).group(1).replace(",", ""))
    assert printed == json.loads(inspected.stdout)["totals"]["macs"] == 12_534_410
