"""The IR every stage after loading works on: a small typed graph read from the TFLite flatbuffer.

Frozen dataclasses of tuples and bytes, so graphs are hashable, deterministic and never mutated
behind a later stage's back. Numpy views are offered as helpers, never stored.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

# TFLite TensorType names we meet, with their numpy dtype and byte size.
DTYPES: Mapping[str, tuple[str, int]] = {
    "FLOAT32": ("float32", 4),
    "FLOAT16": ("float16", 2),
    "INT32": ("int32", 4),
    "UINT8": ("uint8", 1),
    "INT64": ("int64", 8),
    "INT16": ("int16", 2),
    "INT8": ("int8", 1),
    "BOOL": ("bool", 1),
    "UINT32": ("uint32", 4),
    "INT4": ("int8", 1),  # values unpack to int8; stored packed, two per byte (see Tensor.nbytes)
}


def unpack_int4(data: bytes, count: int) -> np.ndarray:
    """TFLite's packed INT4 (two per byte, low nibble first, sign-extended) as `count` int8 values."""
    raw = np.frombuffer(data, dtype=np.uint8)
    vals = np.empty(raw.size * 2, dtype=np.int8)
    vals[0::2] = ((raw & 0x0F).astype(np.int16) ^ 8) - 8
    vals[1::2] = ((raw >> 4).astype(np.int16) ^ 8) - 8
    vals = vals[:count]
    vals.flags.writeable = False
    return vals


def pack_int4(values: np.ndarray) -> bytes:
    """The inverse of unpack_int4: values in [-8, 7], two per byte, low nibble first."""
    v = np.asarray(values, dtype=np.int16).reshape(-1) & 0x0F
    if v.size % 2:
        v = np.append(v, 0)
    return ((v[1::2] << 4) | v[0::2]).astype(np.uint8).tobytes()


@dataclass(frozen=True)
class Quant:
    """Affine quantization: real = scale * (q - zero_point). Per-tensor when len(scales) == 1."""

    scales: tuple[float, ...]
    zero_points: tuple[int, ...]
    axis: int = 0

    @property
    def per_channel(self) -> bool:
        return len(self.scales) > 1

    @property
    def scale(self) -> float:
        """The per-tensor scale (the first one for per-channel tensors)."""
        return self.scales[0]

    @property
    def zero_point(self) -> int:
        return self.zero_points[0]


@dataclass(frozen=True)
class Tensor:
    id: int  # index in the subgraph's tensor table (TFLite numbering, kept for offline plans)
    name: str
    shape: tuple[int, ...]
    dtype: str  # TFLite TensorType name, e.g. "INT8"
    quant: Quant | None = None
    data: bytes | None = None  # constant contents (little-endian), None for activations
    variable: bool = False  # persistent state (TFLite is_variable): kept between invokes, e.g.
    # an SVDF's activation history or an LSTM's cell; planned in its own area, never reused

    @property
    def is_constant(self) -> bool:
        return self.data is not None

    @property
    def itemsize(self) -> int:
        return DTYPES[self.dtype][1]

    @property
    def num_elements(self) -> int:
        n = 1
        for d in self.shape:
            n *= d
        return n

    @property
    def nbytes(self) -> int:
        if self.dtype == "INT4":  # packed two per byte, low nibble first (TFLite's INT4 layout)
            return (self.num_elements + 1) // 2
        return self.num_elements * self.itemsize

    def array(self) -> np.ndarray:
        """Constant data as a read-only numpy array of the tensor's shape."""
        if self.data is None:
            raise ValueError(f"tensor {self.name!r} is not constant")
        if self.dtype == "INT4":
            arr = unpack_int4(self.data, self.num_elements)
            return arr.reshape(self.shape) if self.shape else arr.reshape(())
        arr = np.frombuffer(self.data, dtype=DTYPES[self.dtype][0])
        return arr.reshape(self.shape) if self.shape else arr.reshape(())


@dataclass(frozen=True)
class Op:
    index: int  # position in execution order
    kind: str  # TFLite BuiltinOperator name, e.g. "CONV_2D"
    version: int
    inputs: tuple[int, ...]  # tensor ids; -1 marks an omitted optional input
    outputs: tuple[int, ...]
    options: Mapping[str, Any] = field(default_factory=dict)  # builtin options, snake_case keys,
    # enum values as their names (e.g. {"padding": "SAME", "fused_activation_function": "RELU"})

    def __hash__(self) -> int:
        return hash((self.index, self.kind, self.version, self.inputs, self.outputs))


@dataclass(frozen=True)
class Graph:
    tensors: tuple[Tensor, ...]
    ops: tuple[Op, ...]
    inputs: tuple[int, ...]
    outputs: tuple[int, ...]
    name: str = "model"
    sha256: str = ""  # of the .tflite bytes the graph was read from
    description: str = ""

    def tensor(self, tid: int) -> Tensor:
        """Tensor `tid`. An absent optional input (-1 in TFLite) is not a tensor: asking for it
        raises instead of quietly returning the last tensor, as Python's indexing would."""
        if tid < 0:
            raise IndexError(f"tensor {tid} does not exist (an absent optional input?)")
        return self.tensors[tid]

    def op_inputs(self, op: Op) -> list[Tensor | None]:
        return [self.tensors[i] if i >= 0 else None for i in op.inputs]

    def op_outputs(self, op: Op) -> list[Tensor]:
        return [self.tensors[i] for i in op.outputs]

    def _used_ids(self) -> set[int]:
        used: set[int] = set(self.inputs) | set(self.outputs)
        for op in self.ops:
            used.update(i for i in op.inputs if i >= 0)
            used.update(op.outputs)
        return used

    @property
    def activation_ids(self) -> tuple[int, ...]:
        """Tensors that need arena memory: used by some op or a model I/O, not constant and not
        persistent state (which lives in the state area, `state_ids`)."""
        return tuple(sorted(t for t in self._used_ids()
                            if not self.tensors[t].is_constant and not self.tensors[t].variable))

    @property
    def state_ids(self) -> tuple[int, ...]:
        """Persistent state tensors (variable, non-constant) used by some op."""
        return tuple(sorted(t for t in self._used_ids()
                            if self.tensors[t].variable and not self.tensors[t].is_constant))
