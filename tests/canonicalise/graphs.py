"""Small hand-made graphs for the rewrite tests (no TensorFlow)."""
from __future__ import annotations

import numpy as np

from mcugen.ir import Graph, Op, Quant, Tensor

Q = Quant((0.05,), (3,))


class Builder:
    def __init__(self):
        self.tensors: list[Tensor] = []
        self.ops: list[Op] = []

    def act(self, shape, dtype="INT8", quant=Q) -> int:
        self.tensors.append(Tensor(len(self.tensors), f"t{len(self.tensors)}", tuple(shape), dtype, quant))
        return len(self.tensors) - 1

    def const(self, values, dtype="INT32", quant=None) -> int:
        arr = np.array(values, dtype={"INT32": np.int32, "INT8": np.int8, "INT64": np.int64}[dtype])
        self.tensors.append(Tensor(len(self.tensors), f"c{len(self.tensors)}", arr.shape, dtype, quant,
                                   arr.tobytes()))
        return len(self.tensors) - 1

    def op(self, kind, inputs, outputs, **options) -> None:
        self.ops.append(Op(len(self.ops), kind, 1, tuple(inputs), tuple(outputs), options))

    def graph(self, inputs, outputs) -> Graph:
        return Graph(tuple(self.tensors), tuple(self.ops), tuple(inputs), tuple(outputs))
