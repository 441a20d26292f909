"""BATCH_MATMUL: activations times activations (adj_x / adj_y, 2-D to 4-D, broadcast batches)
through TensorFlow's converter, bit for bit against tflite-micro on the host (ASan + UBSan, both
arena plans); an attention block (Dense projections, Q K^T, SOFTMAX, times V) under QEMU."""
from __future__ import annotations

import pytest

from tests.support.oracle import assert_exact, op_kinds, random_samples, tf, to_int8


def matmul_model(shape_a, shape_b, adj_x: bool, adj_y: bool):
    t = tf()
    k = t.keras
    a, b = k.Input(shape_a, batch_size=1, name="in0"), k.Input(shape_b, batch_size=1, name="in1")
    y = k.layers.Lambda(lambda v: t.linalg.matmul(v[0], v[1], transpose_a=adj_x, transpose_b=adj_y))([a, b])
    return k.Model([a, b], y)


@pytest.mark.parametrize("shape_a,shape_b,adj_x,adj_y", [
    ((4, 6), (6, 5), False, False),
    ((4, 6), (5, 6), False, True),
    ((6, 4), (6, 5), True, False),
    ((2, 3, 4), (2, 4, 5), False, False),
    ((2, 3, 4), (1, 4, 5), False, False),      # broadcast batch
    ((3, 1, 4, 6), (2, 5, 6), False, True),    # broadcast over two batch dims
], ids=["plain", "adj_y", "adj_x", "batched", "broadcast", "4-D broadcast"])
def test_batch_matmul_bit_exact(shape_a, shape_b, adj_x, adj_y, tmp_path):
    model = to_int8(matmul_model(shape_a, shape_b, adj_x, adj_y))
    assert "BATCH_MATMUL" in op_kinds(model), op_kinds(model)
    assert_exact(model, random_samples(model, 8, seed=4), tmp_path)


def attention_model(tokens: int = 6, width: int = 8):
    t = tf()
    k = t.keras
    L = k.layers
    x = k.Input((tokens, width), batch_size=1)
    q, key, v = L.Dense(width)(x), L.Dense(width)(x), L.Dense(width)(x)
    scores = L.Lambda(lambda z: t.linalg.matmul(z[0], z[1], transpose_b=True) / (width ** 0.5))([q, key])
    weights = L.Softmax()(scores)
    y = L.Lambda(lambda z: t.linalg.matmul(z[0], z[1]))([weights, v])
    return k.Model(x, L.Dense(4)(L.Flatten()(y)))


def test_attention_block_bit_exact_on_host(tmp_path):
    model = to_int8(attention_model())
    assert {"BATCH_MATMUL", "SOFTMAX"} <= set(op_kinds(model)), op_kinds(model)
    assert_exact(model, random_samples(model, 8, seed=6), tmp_path)


@pytest.mark.slow
def test_attention_block_runs_bit_exact_under_qemu(tmp_path):
    from mcugen.project.api import build

    path = tmp_path / "attention.tflite"
    path.write_bytes(to_int8(attention_model()))
    result = build(path, "mps2_an386", tmp_path / "fw", run=True, selftest_only=True)
    assert result.run.passed, result.run.console[-2000:]
