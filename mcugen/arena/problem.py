"""The placement problem, free of any graph: buffers with sizes and lifetimes, plus overlap permits.

Placement algorithms, the exact search and the lower bound all work on this. Sizes are already
rounded up to the alignment, so placing at multiples of `align` keeps every offset aligned.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass


@dataclass(frozen=True)
class Request:
    key: str  # "t<id>" for a tensor group (id of its first tensor), "s<op>" for kernel scratch
    size: int  # bytes, a multiple of the alignment
    first: int  # first step it is alive (op index)
    last: int  # last step it is alive, inclusive
    nbytes: int = 0  # bytes actually used (before rounding)
    tensors: tuple[int, ...] = ()  # activation tensors stored here (views, in-place outputs)
    op: int | None = None  # the op owning this scratch buffer


@dataclass(frozen=True)
class Permit:
    """Request `out` may overlap request `inp` when offset(out) - offset(inp) <= max_shift."""

    out: int
    inp: int
    max_shift: int


@dataclass(frozen=True)
class Problem:
    requests: tuple[Request, ...]
    permits: tuple[Permit, ...] = ()
    align: int = 16

    @property
    def steps(self) -> int:
        return 1 + max((r.last for r in self.requests), default=-1)


def live_together(a: Request, b: Request) -> bool:
    return a.first <= b.last and b.first <= a.last


def round_up(n: int, align: int) -> int:
    return -(-n // align) * align


def permit_table(problem: Problem) -> dict[tuple[int, int], int]:
    """(out, inp) -> max_shift, for quick lookups."""
    return {(p.out, p.inp): p.max_shift for p in problem.permits}


def forbidden(problem: Problem, permits: dict[tuple[int, int], int], b: int, a: int,
              offset_a: int) -> tuple[int, int]:
    """Open interval of offsets request `b` may not take, given request `a` placed at `offset_a`."""
    sa, sb = problem.requests[a].size, problem.requests[b].size
    shift = permits.get((b, a))
    if shift is not None:  # b is the output streaming over a: b - a <= shift is fine
        return offset_a + shift, offset_a + sa
    shift = permits.get((a, b))
    if shift is not None:  # a is the output streaming over b: a - b <= shift is fine
        return offset_a - sb, offset_a - shift
    return offset_a - sb, offset_a + sa


def lowest_fit(intervals: list[tuple[int, int]], floor: int = 0) -> int:
    """Lowest offset >= floor inside none of the open intervals (all multiples of the alignment)."""
    x = floor
    for lo, hi in sorted(intervals):
        if lo < x < hi:
            x = hi
    return x


class Blocked:
    """Offsets one request may not take: disjoint open intervals, merged as they arrive."""

    def __init__(self) -> None:
        self.los: list[int] = []
        self.his: list[int] = []

    def add(self, lo: int, hi: int) -> None:
        if lo >= hi:
            return
        i = bisect.bisect_left(self.his, lo + 1)  # first interval that ends after lo
        j = bisect.bisect_left(self.los, hi)  # intervals from j on start at or after hi
        if i < j:
            lo, hi = min(lo, self.los[i]), max(hi, self.his[j - 1])
        self.los[i:j] = [lo]
        self.his[i:j] = [hi]

    def fit(self, floor: int = 0) -> int:
        """Lowest offset >= floor inside no interval."""
        i = bisect.bisect_left(self.los, floor) - 1
        if i >= 0 and self.his[i] > floor:
            return self.his[i]
        return floor


def step_loads(problem: Problem) -> list[int]:
    """Least bytes needed at each step: live sizes, less what permitted overlaps can save."""
    delta = [0] * (problem.steps + 1)
    for r in problem.requests:
        delta[r.first] += r.size
        delta[r.last + 1] -= r.size
    loads, running = [], 0
    for d in delta[:-1]:
        running += d
        loads.append(running)
    for p in problem.permits:
        out, inp = problem.requests[p.out], problem.requests[p.inp]
        span = max(out.size, inp.size) if p.max_shift >= 0 else max(inp.size - p.max_shift, out.size)
        saving = max(0, out.size + inp.size - span)
        for t in range(max(out.first, inp.first), min(out.last, inp.last) + 1):
            loads[t] -= saving
    return loads


def lower_bound(problem: Problem) -> int:
    return max(step_loads(problem), default=0)


def arena_size(problem: Problem, offsets: tuple[int, ...] | list[int]) -> int:
    return max((o + r.size for o, r in zip(offsets, problem.requests)), default=0)
