"""Random but well-formed int8 graphs with branches, for property tests and the planner benchmark.

Only shapes and wiring are meaningful (constant tensors are zero bytes of the right size): the
planner never looks at values.
"""
from __future__ import annotations

import random

from mcugen import ir

_Q = ir.Quant((0.05,), (0,))


class _Builder:
    def __init__(self) -> None:
        self.tensors: list[ir.Tensor] = []
        self.ops: list[ir.Op] = []

    def tensor(self, shape: tuple[int, ...], dtype: str = "INT8", const: bool = False) -> int:
        tid = len(self.tensors)
        data = None
        if const:
            n = 1
            for d in shape:
                n *= d
            data = bytes(n * ir.DTYPES[dtype][1])
        self.tensors.append(ir.Tensor(tid, f"t{tid}", shape, dtype, _Q, data))
        return tid

    def op(self, kind: str, inputs: tuple[int, ...], out_shape: tuple[int, ...], **options) -> int:
        out = self.tensor(out_shape)
        self.ops.append(ir.Op(len(self.ops), kind, 1, inputs, (out,), options))
        return out


def _conv_like(b: _Builder, rng: random.Random, x: int) -> int:
    _, h, w, c = b.tensors[x].shape
    kind = rng.choice(["CONV_2D", "DEPTHWISE_CONV_2D", "AVERAGE_POOL_2D", "MAX_POOL_2D"])
    k = rng.choice([1, 3]) if kind.endswith("CONV_2D") else 2
    stride = 2 if (h >= 8 and rng.random() < 0.3) or kind.endswith("POOL_2D") else 1
    if kind.endswith("POOL_2D") and (h < 2 or w < 2):
        kind, stride, k = "CONV_2D", 1, 1
    opts = {"padding": "SAME", "stride_h": stride, "stride_w": stride, "fused_activation_function": "RELU"}
    oh, ow = -(-h // stride), -(-w // stride)
    if kind == "CONV_2D":
        co = rng.choice([4, 8, 16, 24, 32])
        weights = b.tensor((co, k, k, c), const=True)
        bias = b.tensor((co,), "INT32", const=True)
        return b.op(kind, (x, weights, bias), (1, oh, ow, co), dilation_h_factor=1, **opts)
    if kind == "DEPTHWISE_CONV_2D":
        weights = b.tensor((1, k, k, c), const=True)
        bias = b.tensor((c,), "INT32", const=True)
        return b.op(kind, (x, weights, bias), (1, oh, ow, c), depth_multiplier=1, dilation_h_factor=1, **opts)
    opts["padding"] = "VALID"
    return b.op(kind, (x,), (1, h // 2, w // 2, c), filter_height=2, filter_width=2, **opts)


def random_graph(rng: random.Random, num_ops: int, branch: float = 0.2, window: int = 2,
                 reach: int = 32) -> ir.Graph:
    """A graph of `num_ops` ops; each reads one of the last `window` tensors, or with probability
    `branch` one of the last `reach` (a skip connection keeping it alive longer). The last
    tensor is the output; tensors nobody reads die where they are made."""
    b = _Builder()
    h = rng.choice([8, 12, 16, 24])
    first = b.tensor((1, h, h, rng.choice([1, 3, 8])))
    made = [first]
    for _ in range(num_ops):
        pool = made[-reach:] if rng.random() < branch else made[-window:]
        x = rng.choice(pool)
        shape = b.tensors[x].shape
        roll = rng.random()
        if roll < 0.5:
            y = _conv_like(b, rng, x)
        elif roll < 0.65:
            same = [t for t in made[-reach:] if b.tensors[t].shape == shape and t != x]
            y = b.op("ADD", (x, rng.choice(same)), shape) if same else b.op("RELU", (x,), shape)
        elif roll < 0.8:
            y = b.op("RELU", (x,), shape)
        elif roll < 0.9:
            dims = b.tensor((4,), "INT32", const=True)
            y = b.op("RESHAPE", (x, dims), (1, shape[2], shape[1], shape[3]))
        else:
            y = b.op("QUANTIZE", (x,), shape)
        made.append(y)
    return ir.Graph(tuple(b.tensors), tuple(b.ops), (first,), (made[-1],), name=f"random{num_ops}")
