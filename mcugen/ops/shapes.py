"""Shape arithmetic shared by the element-wise, reduction and copy ops: row-major strides,
TFLite broadcasting, and collapsing an iteration space to as few dims as possible (fewer loop
levels in the kernels, and any rank fits their six-dim limit)."""
from __future__ import annotations

MAX_DIMS = 6


def row_major_strides(shape: tuple[int, ...]) -> tuple[int, ...]:
    strides, step = [], 1
    for d in reversed(shape):
        strides.append(step)
        step *= d
    return tuple(reversed(strides))


def collapse(dims: list[int], *strides: list[int]) -> tuple[tuple[int, ...], ...]:
    """Drop extent-1 dims and merge neighbours that every stride list walks contiguously.

    Returns (dims, strides_1, strides_2, ...), never empty: a scalar space is ((1,), (0,), ...).
    """
    kept = [i for i, d in enumerate(dims) if d != 1]
    out_dims: list[int] = []
    out_strides: list[list[int]] = [[] for _ in strides]
    for i in kept:
        if out_dims and all(s_out[-1] == s[i] * dims[i] for s_out, s in zip(out_strides, strides)):
            out_dims[-1] *= dims[i]
            for s_out, s in zip(out_strides, strides):
                s_out[-1] = s[i]
            continue
        out_dims.append(dims[i])
        for s_out, s in zip(out_strides, strides):
            s_out.append(s[i])
    if not out_dims:
        return ((1,), *[(0,) for _ in strides])
    return (tuple(out_dims), *[tuple(s) for s in out_strides])


def broadcast_shape(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    """numpy/TFLite broadcasting of two shapes, or None when they are incompatible."""
    rank = max(len(a), len(b))
    a = (1,) * (rank - len(a)) + tuple(a)
    b = (1,) * (rank - len(b)) + tuple(b)
    out = []
    for x, y in zip(a, b):
        if x != y and 1 not in (x, y):
            return None
        out.append(max(x, y))
    return tuple(out)


def broadcast_iteration(a: tuple[int, ...], b: tuple[int, ...], out: tuple[int, ...]
                        ) -> tuple[tuple[int, ...], tuple[int, ...], tuple[int, ...]]:
    """(dims, strides of a, strides of b) walking `out` row-major; stride 0 where broadcast."""
    rank = len(out)
    a = (1,) * (rank - len(a)) + tuple(a)
    b = (1,) * (rank - len(b)) + tuple(b)
    sa, sb = row_major_strides(a), row_major_strides(b)
    stride_a = [sa[i] if a[i] == out[i] else 0 for i in range(rank)]
    stride_b = [sb[i] if b[i] == out[i] else 0 for i in range(rank)]
    dims, stride_a, stride_b = collapse(list(out), stride_a, stride_b)
    return dims, stride_a, stride_b
