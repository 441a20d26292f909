"""A dynamic batch whose static shapes are not the batch-1 ones is fixed to 1 (the file's tensor
shapes set to what LiteRT computes at batch 1); every other model passes byte for byte, and the
five shared models have nothing to canonicalise."""
from __future__ import annotations

import pytest

from mcugen import pipeline
from mcugen.canonicalise.batch import fix_dynamic_batch
from mcugen.convert.tflite_reader import input_signatures, read_graph

SHARED = ("kws/kws_ref_model.tflite", "vww/vww_96_int8.tflite", "ic/pretrainedResnet_quant.tflite",
          "ad/ad01_int8.tflite", "hello_world/hello_world_int8.tflite")


@pytest.mark.parametrize("model", SHARED)
def test_shared_models_pass_unchanged(shared_models, model):
    tflite = (shared_models / model).read_bytes()
    assert fix_dynamic_batch(tflite) == (tflite, None)  # their batch may be -1, their shapes are right
    graph = read_graph(tflite)
    assert pipeline.canonical(graph) is graph


def test_wrong_static_shapes_are_fixed():
    from .test_conv1d_models import tf_direct, conv1d_model

    raw = tf_direct(conv1d_model(seed=0))
    fixed, note = fix_dynamic_batch(raw)
    assert note and "fixed to 1" in note
    assert input_signatures(raw)[0][1][0] == -1 and input_signatures(fixed)[0][1][0] == 1
    s2b = [op for op in read_graph(fixed).ops if op.kind == "SPACE_TO_BATCH_ND"]
    assert [read_graph(fixed).tensor(op.outputs[0]).shape[0] for op in s2b] == [2, 4, 3]  # the blocks
    assert fix_dynamic_batch(fixed) == (fixed, None)


@pytest.mark.slow
def test_flatten_with_a_dynamic_batch_is_noted_folded_and_bit_exact(tmp_path):
    """No op moves the batch, so the file's shapes are right; Flatten's shape math reads the
    batch and is folded at 1, with the note."""
    from tests.support.oracle import assert_exact, random_samples, tf, to_int8

    from .test_conv1d_models import Notes

    k = tf().keras
    k.utils.set_random_seed(4)
    inp = k.Input((6, 5, 2))
    x = k.layers.Flatten()(k.layers.Conv2D(3, 3, padding="same", activation="relu")(inp))
    raw = to_int8(k.Model(inp, k.layers.Dense(4)(x)))
    path = tmp_path / "flatten.tflite"
    path.write_bytes(raw)
    assert "SHAPE" in [op.kind for op in read_graph(raw).ops]
    notes = Notes()
    loaded = pipeline.load(path, reporter=notes)
    assert loaded.tflite == raw and any("fixed to 1" in w for w in notes.warnings), notes.warnings
    kinds = [op.kind for op in pipeline.canonical(loaded.graph).ops]
    assert kinds == ["CONV_2D", "RESHAPE", "FULLY_CONNECTED"], kinds
    assert_exact(raw, random_samples(raw, 16, 3), tmp_path)
