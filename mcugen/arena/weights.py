"""Weights copied into RAM (`--weights-in-ram BYTES`): which constants, and where in the copy area.

Weights stay in flash unless the user gives a RAM budget for them: then the constants read most
per byte get a copy in RAM, made once before the first invoke, and the kernels read the copy
(on parts whose flash has wait states, or where the weights would share a cache with the code).
A convolution's filter is read once per output pixel, so it is hot; a dense layer's weights are
read once per inference, so they are not; per-channel multipliers and biases are read once per
output value. The copies form one area the plan accounts for: in the fastest RAM region, whose
room for the arena shrinks by as much.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from mcugen import ir
from mcugen.ops.base import ConstRef, KernelCall, TensorRef
from mcugen.stats import op_macs

CTYPE_BYTES = {"int8_t": 1, "uint8_t": 1, "int16_t": 2, "int32_t": 4, "int64_t": 8, "float": 4}


@dataclass(frozen=True)
class WeightCopy:
    """One constant copied to RAM: `key` names it as codegen does (("tensor", id) for a graph
    constant, ("const", ctype, values) for a per-layer array), at `offset` in the copy area."""

    key: tuple
    nbytes: int
    offset: int
    reads: int  # estimated reads per inference


@dataclass(frozen=True)
class WeightsInRam:
    copies: tuple[WeightCopy, ...] = ()
    size: int = 0  # bytes of the copy area (a multiple of the alignment)
    budget: int = 0

    def offset_of(self, key: tuple) -> int | None:
        return next((c.offset for c in self.copies if c.key == key), None)


def _constants(graph: ir.Graph, call: KernelCall) -> list[tuple[tuple, int]]:
    """(key, bytes) of every constant array the call's kernel reads through its params."""
    found = []
    for _, value in call.params:
        if isinstance(value, TensorRef):
            found.append((("tensor", value.tensor_id), graph.tensor(value.tensor_id).nbytes))
        elif isinstance(value, ConstRef):
            arr = next(a for a in call.consts if a.name == value.name)
            found.append((("const", arr.ctype, arr.values), CTYPE_BYTES[arr.ctype] * len(arr.values)))
    return found


def choose(graph: ir.Graph, calls: Sequence[KernelCall], budget: int, align: int = 16) -> WeightsInRam:
    """The constants read most per byte that fit `budget` bytes together (each rounded up to
    `align`), hottest first."""
    if budget <= 0:
        return WeightsInRam(budget=max(budget, 0))
    reads: dict[tuple, int] = {}
    sizes: dict[tuple, int] = {}
    for call in calls:
        consts = _constants(graph, call)
        if not consts:
            continue
        op = graph.ops[call.op_index]
        biggest = max(n for _, n in consts)
        outputs = sum(graph.tensor(t).num_elements for t in call.outputs)
        for key, nbytes in consts:
            # the call's weights are read once per MAC, the small per-channel arrays once per output
            reads[key] = reads.get(key, 0) + (max(op_macs(graph, op), nbytes) if nbytes == biggest else outputs)
            sizes[key] = nbytes
    order = sorted(reads, key=lambda k: (-reads[k] / max(sizes[k], 1), -sizes[k], repr(k)[:64]))
    copies, used = [], 0
    for key in order:
        size = -(-sizes[key] // align) * align
        if used + size <= budget and sizes[key] > 0:
            copies.append(WeightCopy(key, sizes[key], used, reads[key]))
            used += size
    return WeightsInRam(tuple(copies), used, budget)
