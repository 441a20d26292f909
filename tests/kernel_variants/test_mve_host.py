"""The MVE kernel variant on the host (mg_mve.h's plain-C intrinsics, ASan + UBSan, both arena
plans) bit-exact with tflite-micro: every shared model, a fixed chain through every MVE kernel
and its edge paths (taps and channels that are no multiple of the vector length, partial channel
groups, 1x1 filters read in place, with strides), randomized chains, and the general
(non-lean) output stage."""
from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.support.oracle import assert_exact, examples, random_samples, ranges, seeded_model, tf, to_int8
from tests.support.variants import SHARED_MODEL_NAMES, shared_model_kernels

MVE_KERNELS = {"conv_2d_mve", "depthwise_conv_2d_mve", "fully_connected_mve", "add_mve",
               "average_pool_2d_mve", "max_pool_2d_mve"}
SHARED = {
    "kws": ("kws/kws_ref_model.tflite", {"conv_2d_mve", "depthwise_conv_2d_mve",
                                         "fully_connected_mve", "average_pool_2d_mve"}),
    "ad": ("ad/ad01_int8.tflite", {"fully_connected_mve"}),
    "hello_world": ("hello_world/hello_world_int8.tflite", {"fully_connected_mve"}),
    "vww": ("vww/vww_96_int8.tflite", {"conv_2d_mve", "depthwise_conv_2d_mve",
                                       "fully_connected_mve", "average_pool_2d_mve"}),
    "ic": ("ic/pretrainedResnet_quant.tflite", {"conv_2d_mve", "add_mve",
                                                "fully_connected_mve", "average_pool_2d_mve"}),
}


@pytest.mark.parametrize("name", SHARED_MODEL_NAMES)
def test_shared_model_bit_exact(name, shared_models, tmp_path):
    path, expected_kernels = SHARED[name]
    assert expected_kernels <= shared_model_kernels(shared_models, path, "mve", tmp_path)


def _edges(k, x):
    """(13, 11, 5) in: every MVE kernel, and the paths the vector lengths make."""
    L = k.layers
    x = L.Conv2D(20, (3, 3), padding="same", activation="relu")(x)          # 45 taps: 2 x 16 + 13
    x = L.Conv2D(12, (1, 1))(x)                                             # 1x1 direct, 20 taps: 16 + 4
    x = L.DepthwiseConv2D((3, 3), padding="same")(x)                        # 12 channels: 8 + 4
    x = L.MaxPooling2D((2, 2), strides=1, padding="same")(x)                # 12 of 16 lanes
    x = L.Conv2D(17, (1, 1), strides=2, activation="relu6")(x)              # 1x1 strided -> (7, 6, 17)
    y = L.Conv2D(17, (3, 3), padding="same", dilation_rate=2)(x)            # dilated, padded windows
    x = L.ReLU()(L.Add()([x, y]))                                           # 714 elements: 178 x 4 + 2
    x = L.AveragePooling2D((2, 3), strides=1, padding="same")(x)            # clipped windows, 17 channels
    x = L.DepthwiseConv2D((5, 5), padding="valid", activation="relu")(x)    # 25 taps -> (3, 2): quads span rows
    x = L.DepthwiseConv2D((2, 2), strides=1, dilation_rate=1, padding="valid")(x)  # (2, 1, 17)
    x = L.Conv2D(9, (2, 1), padding="valid")(x)                             # out_w 1: a quad per pixel
    x = L.Flatten()(x)                                                      # 9
    x = L.Dense(13, activation="relu")(x)                                   # 13 channels: 3 x 4 + 1
    x = L.Dense(6)(x)                                                       # 6: 4 + 2, 13 inputs
    return L.Dense(40, activation="relu6")(x)


def edge_chain(seed: int) -> bytes:
    model, rng = seeded_model(_edges, (13, 11, 5), seed)
    return to_int8(model, rng=rng, low=-2, high=2)


def test_edge_chain_bit_exact(tmp_path):
    model = edge_chain(0)
    kernels = assert_exact(model, random_samples(model, 6, seed=0), tmp_path, variant="mve")
    assert MVE_KERNELS <= kernels


def test_general_output_stage_bit_exact(shared_models, tmp_path, monkeypatch):
    """Real layers shift right only (the lean stage); force the general one for every layer."""
    import mcugen.ops.variants_mve as mve

    monkeypatch.setattr(mve, "lean_shifts", lambda shifts: False)
    model = (shared_models / SHARED["kws"][0]).read_bytes()
    assert_exact(model, random_samples(model, 2, seed=3), tmp_path / "kws", plans=(True,), variant="mve")
    model = edge_chain(1)
    assert_exact(model, random_samples(model, 2, seed=3), tmp_path / "edges", plans=(True,), variant="mve")


# ---- randomized chains ---------------------------------------------------------------------------

# each layer kind and the ranges of its arguments (see _chain)
LAYERS = {
    "conv": ((1, 24), (1, 4), (1, 2), (1, 2)),  # filters, size, stride, dilation
    "conv1x1": ((1, 40), (1, 2)),              # filters, stride
    "dw": ((1, 5), (1, 2), (1, 2)),             # size, stride, dilation
    "avg": ((1, 3), (1, 2)),                    # size, stride
    "max": ((1, 3), (1, 2)),
    "add": ((1, 2),),                           # operand order
}
layer = st.one_of(*(st.tuples(st.just(kind), *(st.integers(lo, hi) for lo, hi in args))
                    for kind, args in LAYERS.items()))


def random_layer(rng) -> tuple:
    kind = str(rng.choice(list(LAYERS)))
    return (kind, *(int(rng.integers(lo, hi + 1)) for lo, hi in LAYERS[kind]))


def _chain(k, x, layers, padding, units):
    L = k.layers
    for kind, *args in layers:
        h, w = int(x.shape[1]), int(x.shape[2])
        if kind == "conv":
            filters, size, stride, dilation = args
            size = min(size, h, w) if padding == "valid" and dilation == 1 else size
            if padding == "valid" and (size - 1) * dilation + 1 > min(h, w):
                continue
            x = L.Conv2D(filters, size, strides=1 if dilation > 1 else stride, dilation_rate=dilation,
                         padding=padding, activation="relu")(x)
        elif kind == "conv1x1":
            x = L.Conv2D(args[0], 1, strides=args[1])(x)
        elif kind == "dw":
            size, stride, dilation = args
            if padding == "valid" and (size - 1) * dilation + 1 > min(h, w):
                continue
            x = L.DepthwiseConv2D(size, strides=1 if dilation > 1 else stride, dilation_rate=dilation,
                                  padding=padding, activation="relu6")(x)
        elif kind in ("avg", "max"):
            size, stride = args
            if padding == "valid" and size > min(h, w):
                continue
            cls = L.AveragePooling2D if kind == "avg" else L.MaxPooling2D
            x = cls(size, strides=stride, padding=padding)(x)
        else:  # a residual ADD over a 1x1 branch (differing input scales)
            y = L.Conv2D(int(x.shape[3]), 1)(x)
            x = L.Add()([x, y]) if args[0] == 1 else L.ReLU()(L.Add()([y, x]))
    return L.Dense(units)(L.Flatten()(x)) if units else x


@pytest.mark.slow
@examples(6)
@given(h=st.integers(1, 12), w=st.integers(1, 12), cin=st.integers(1, 20),
       layers=st.lists(layer, min_size=1, max_size=4), padding=st.sampled_from(["same", "valid"]),
       units=st.sampled_from([0, 1, 7, 20]), seed=st.integers(0, 1000), rng=ranges)
def test_random_chain_bit_exact(tmp_path_factory, h, w, cin, layers, padding, units, seed, rng):
    model, _ = seeded_model(lambda k, x: _chain(k, x, layers, padding, units), (h, w, cin), seed)
    tflite = to_int8(model, seed=seed, low=rng[0], high=rng[1])
    assert_exact(tflite, random_samples(tflite, 4, seed=seed), tmp_path_factory.mktemp("mve"), variant="mve",
                 may_refuse=True)



def parallel_chains(seed: int, count: int) -> bytes:
    """`count` random chains (the layers above, drawn from `seed`) side by side in one int8 model,
    each on its own slice of the one input (the converter orders several inputs at random), each
    with its own output: one build checks them all (one QEMU run)."""
    rng = np.random.default_rng(seed)
    k = tf().keras
    k.utils.set_random_seed(seed)
    x = k.Input((12, 12, 20), batch_size=1)
    outputs = []
    for _ in range(count):
        h, w, cin = (int(v) for v in rng.integers(1, [13, 13, 21]))
        padding = str(rng.choice(["same", "valid"]))
        layers = [random_layer(rng) for _ in range(int(rng.integers(1, 5)))]
        part = k.layers.Lambda(lambda t, h=h, w=w, c=cin: t[:, :h, :w, :c])(x)
        outputs.append(_chain(k, part, layers, padding, int(rng.choice([0, 1, 7, 20]))))
    return to_int8(k.Model(x, outputs), seed=seed, low=-2, high=2)
