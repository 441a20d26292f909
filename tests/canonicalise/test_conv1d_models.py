"""Done-when of the canonicalisation stage: Keras 3 Conv1D models with dilation and Flatten,
converted with a dynamic batch by TensorFlow directly (`from_keras_model`, batch None) and by
`mcugen convert`, build and run bit-exact with tflite-micro on the host (ASan/UBSan, both arena
plans) and on mps2_an386 under QEMU. TensorFlow writes such a model with batch-1 static shapes
that are wrong behind SPACE_TO_BATCH_ND (tflite-micro, which never resizes, then computes
garbage or refuses it), so `pipeline.load` fixes the batch to 1 with a warning first."""
from __future__ import annotations

import numpy as np
import pytest

from mcugen import jobs, pipeline
from mcugen.convert.tflite_reader import input_signatures, read_graph
from mcugen.report import Reporter
from tests.support.oracle import assert_exact, random_samples, tf

pytestmark = pytest.mark.slow


class Notes(Reporter):
    def __init__(self):
        super().__init__(quiet=True)
        self.warnings: list[str] = []

    def warn(self, text: str) -> None:
        self.warnings.append(text)


def conv1d_model(seed: int):
    """Dilated Conv1Ds (SAME and VALID, a padding that does and one that does not divide by the
    dilation), Flatten and Dense, batch None."""
    k = tf().keras
    k.utils.set_random_seed(seed)
    inp = k.Input((30, 3))
    x = k.layers.Conv1D(8, 3, dilation_rate=2, padding="same", activation="relu")(inp)
    x = k.layers.Conv1D(6, 2, dilation_rate=4, padding="same")(x)
    x = k.layers.Conv1D(4, 3, dilation_rate=3, padding="valid", activation="relu")(x)
    x = k.layers.Flatten()(x)
    return k.Model(inp, k.layers.Dense(5)(x))


def calibration(n: int = 16) -> np.ndarray:
    return np.random.default_rng(0).uniform(-3, 3, (n, 30, 3)).astype(np.float32)


def tf_direct(model) -> bytes:
    t = tf()
    conv = t.lite.TFLiteConverter.from_keras_model(model)
    conv.optimizations = [t.lite.Optimize.DEFAULT]
    conv.representative_dataset = lambda: ([x[None]] for x in calibration())
    conv.target_spec.supported_ops = [t.lite.OpsSet.TFLITE_BUILTINS_INT8]
    conv.inference_input_type = conv.inference_output_type = t.int8
    return bytes(conv.convert())


@pytest.fixture(scope="module")
def models(tmp_path_factory):
    """{"tensorflow": path, "mcugen convert": path} of the same Keras model converted both ways."""
    from mcugen.cli import main

    folder = tmp_path_factory.mktemp("conv1d")
    keras_path = folder / "conv1d.keras"
    conv1d_model(seed=3).save(keras_path)
    direct = folder / "direct_int8.tflite"
    direct.write_bytes(tf_direct(conv1d_model(seed=3)))
    np.save(folder / "calib.npy", calibration())
    ours = folder / "mcugen_int8.tflite"
    assert main(["-q", "convert", str(keras_path), "-c", str(folder / "calib.npy"), "-o", str(ours)]) == 0
    return {"tensorflow": direct, "mcugen convert": ours}


@pytest.mark.parametrize("how", ["tensorflow", "mcugen convert"])
def test_conv1d_is_bit_exact_on_the_host(models, how, tmp_path):
    raw = models[how].read_bytes()
    kinds = [op.kind for op in read_graph(raw).ops]
    notes = Notes()
    loaded = pipeline.load(models[how], reporter=notes)
    if how == "tensorflow":  # batch None: dilation as SPACE_TO_BATCH_ND ..., Flatten as shape math
        assert input_signatures(raw)[0][1][0] == -1
        assert {"SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND", "SHAPE", "STRIDED_SLICE", "PACK"} <= set(kinds)
        assert any("dynamic batch dimension: fixed to 1" in w for w in notes.warnings), notes.warnings
        assert input_signatures(loaded.tflite)[0][1][0] == 1
    else:  # mcugen convert converts at batch 1: TensorFlow writes dilated convolutions itself
        assert "SPACE_TO_BATCH_ND" not in kinds and not notes.warnings
        assert loaded.tflite == raw
    library = pipeline.generate(loaded.graph)
    lowered = [op.kind for op in library.graph.ops]
    assert lowered.count("CONV_2D") == 3 and "SPACE_TO_BATCH_ND" not in lowered and "SHAPE" not in lowered
    assert {("dilation_w_factor", d) for d in (2, 4, 3)} <= {
        ("dilation_w_factor", op.options["dilation_w_factor"]) for op in library.graph.ops if op.kind == "CONV_2D"}
    assert "conv_2d" in assert_exact(loaded.tflite, random_samples(loaded.tflite, 24, 1), tmp_path / "loaded")
    # the file as written too: the oracle (mcugen.oracle) and the generator both run it at batch 1
    assert_exact(raw, random_samples(raw, 8, 2), tmp_path / "raw", plans=(True,))


@pytest.mark.parametrize("how", ["tensorflow", "mcugen convert"])
def test_conv1d_runs_bit_exact_under_qemu(models, how, tmp_path):
    from mcugen.project.api import build

    result = build(models[how], "mps2_an386", tmp_path / "fw", run=True, reporter=Notes())
    assert result.run is not None and result.run.passed, result.run and result.run.console


def test_inspect_shows_the_canonicalised_graph_and_raw_on_request(models):
    shown = pipeline.inspect_model(models["tensorflow"])
    raw = pipeline.inspect_model(models["tensorflow"], raw=True)
    assert (shown["graph"], raw["graph"]) == ("canonicalised", "raw")
    assert "SPACE_TO_BATCH_ND" in raw["totals"]["op_counts"]
    assert "SPACE_TO_BATCH_ND" not in shown["totals"]["op_counts"]
    assert all(o["supported"] for o in shown["ops"]) and not all(o["supported"] for o in raw["ops"])


def test_bench_checks_a_dynamic_batch_model_against_the_model_it_built(models):
    """`mcugen bench MODEL --emulate` builds the fixed model and checks it against tflite-micro on
    that same fixed model (on the file as written tflite-micro computes garbage)."""
    run = jobs.bench_model(models["tensorflow"], "mps2_an386", count=3)
    assert run.result.mismatch_count == 0 and not run.result.mismatches


def test_inspect_command_says_which_graph_it_shows(models, capsys):
    from mcugen.cli import main

    assert main(["--no-progress", "inspect", str(models["tensorflow"])]) == 0
    shown = capsys.readouterr().out
    assert main(["--no-progress", "inspect", "--raw", str(models["tensorflow"])]) == 0
    raw = capsys.readouterr().out
    assert "canonicalised graph" in shown and "SPACE_TO_BATCH_ND" not in shown
    assert "raw graph" in raw and "SPACE_TO_BATCH_ND" in raw
