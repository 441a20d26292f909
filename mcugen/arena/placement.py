"""Heuristic placement: TFLite Micro's greedy-by-size rule, other orderings, and a best-fit sweep.

Every algorithm places one request at a time at the lowest offset that conflicts with no request
already placed and alive at the same time (honouring overlap permits).
"""
from __future__ import annotations

import heapq
import random
import time
from typing import Callable, Sequence

from mcugen.arena.problem import Blocked, Permit, Problem, Request, arena_size, forbidden, lowest_fit, permit_table


def neighbours(problem: Problem) -> list[list[int]]:
    """For each request, the requests alive at some common step (a sweep over start steps)."""
    reqs = problem.requests
    order = sorted(range(len(reqs)), key=lambda i: reqs[i].first)
    result: list[list[int]] = [[] for _ in reqs]
    active: list[int] = []
    for i in order:
        active = [a for a in active if reqs[a].last >= reqs[i].first]
        for a in active:
            result[a].append(i)
            result[i].append(a)
        active.append(i)
    return result


def place_in_order(problem: Problem, order: Sequence[int], near: list[list[int]] | None = None,
                   start: Sequence[int] | None = None) -> list[int]:
    """Place requests in `order`, each at its lowest feasible offset (around `start`'s, if given:
    -1 marks a request still to place)."""
    near = near if near is not None else neighbours(problem)
    permits = permit_table(problem)
    sizes = [r.size for r in problem.requests]
    offsets: list[int] = list(start) if start is not None else [-1] * len(sizes)
    for b in order:
        sb = sizes[b]
        spans = []
        for a in near[b]:
            oa = offsets[a]
            if oa < 0:
                continue
            if permits and ((a, b) in permits or (b, a) in permits):
                spans.append(forbidden(problem, permits, b, a, oa))
            else:
                spans.append((oa - sb, oa + sizes[a]))
        offsets[b] = lowest_fit(spans)
    return offsets


def _life(r: Request) -> int:
    return r.last - r.first + 1


# name -> sort key; "greedy" is TFLite Micro's GreedyMemoryPlanner order (biggest first)
ORDERS: dict[str, Callable[[Request, int], tuple]] = {
    "greedy": lambda r, i: (-r.size, i),
    "size_life": lambda r, i: (-r.size, -_life(r), r.first, i),
    "area": lambda r, i: (-r.size * _life(r), -r.size, i),
    "life": lambda r, i: (-_life(r), -r.size, i),
    "start": lambda r, i: (r.first, -r.size, i),
}


def place_ordered(problem: Problem, name: str, near: list[list[int]] | None = None) -> list[int]:
    key = ORDERS[name]
    order = sorted(range(len(problem.requests)), key=lambda i: key(problem.requests[i], i))
    return place_in_order(problem, order, near)


def place_lowest_first(problem: Problem, near: list[list[int]] | None = None) -> list[int]:
    """Best fit: always place next the request that can go lowest (ties: biggest, longest)."""
    near = near if near is not None else neighbours(problem)
    permits = permit_table(problem)
    reqs = problem.requests
    offsets = [-1] * len(reqs)
    fit = [0] * len(reqs)
    dirty = [False] * len(reqs)  # a span now covers fit[c]: recompute lazily, when c comes up
    blocked = [Blocked() for _ in reqs]
    heap = [(0, -r.size, -_life(r), i) for i, r in enumerate(reqs)]
    heapq.heapify(heap)
    while heap:
        x, neg_size, neg_life, b = heapq.heappop(heap)
        if dirty[b]:
            dirty[b] = False
            fit[b] = blocked[b].fit(fit[b])
            if fit[b] != x:
                heapq.heappush(heap, (fit[b], neg_size, neg_life, b))
                continue
        offsets[b] = x
        for c in near[b]:
            if offsets[c] >= 0:
                continue
            lo, hi = forbidden(problem, permits, c, b, x)
            blocked[c].add(lo, hi)
            if lo < fit[c] < hi:
                dirty[c] = True
    return offsets


def heuristics(problem: Problem) -> dict[str, list[int]]:
    """Every heuristic's placement, by name."""
    near = neighbours(problem)
    plans = {name: place_ordered(problem, name, near) for name in ORDERS}
    plans["best_fit"] = place_lowest_first(problem, near)
    return plans


def best_heuristic(problem: Problem) -> tuple[str, list[int]]:
    plans = heuristics(problem)
    name = min(plans, key=lambda n: (arena_size(problem, plans[n]), n != "greedy"))
    return name, plans[name]


def split_scratch(problem: Problem) -> tuple[Problem, list[int]]:
    """The problem without kernel scratch, and the indices of the requests it keeps."""
    keep = [i for i, r in enumerate(problem.requests) if r.op is None]
    where = {old: new for new, old in enumerate(keep)}
    permits = tuple(Permit(where[p.out], where[p.inp], p.max_shift) for p in problem.permits
                    if p.out in where and p.inp in where)
    return Problem(tuple(problem.requests[i] for i in keep), permits, problem.align), keep


def add_scratch(problem: Problem, keep: list[int], placed: Sequence[int]) -> list[int]:
    """Offsets for the whole problem: `placed` (of the kept requests), then scratch around them."""
    start = [-1] * len(problem.requests)
    for new, old in enumerate(keep):
        start[old] = placed[new]
    rest = sorted((i for i, o in enumerate(start) if o < 0), key=lambda i: -problem.requests[i].size)
    return place_in_order(problem, rest, start=start)


def improve(problem: Problem, offsets: Sequence[int], max_moves: int, bound: int = 0,
            seed: int = 0, deadline: float = float("inf")) -> list[int]:
    """Hill-climb over placement orders for `max_moves` moves, or until `bound` is reached (the
    wall-clock `deadline` is only a safety net: moves make the result reproducible).

    A plan's buffers listed by offset, placed again at their lowest fits in that order, give a plan
    no larger; moving a buffer that touches the top of the arena earlier in that order is the move
    (sideways moves are kept too, to cross plateaus). Seeded, so plans are reproducible.
    """
    rng = random.Random(seed)
    near = neighbours(problem)
    reqs = problem.requests
    order = sorted(range(len(reqs)), key=lambda i: (offsets[i], i))
    current = place_in_order(problem, order, near)
    current_size = arena_size(problem, current)
    best, best_size = (current, current_size) if current_size <= arena_size(problem, offsets) \
        else (list(offsets), arena_size(problem, offsets))
    for _ in range(max_moves):
        if best_size <= bound or len(order) < 2 or time.perf_counter() > deadline:
            break
        at_top = [i for i in order if current[i] + reqs[i].size == current_size]
        pick = rng.choice(at_top) if rng.random() < 0.8 else rng.choice(order)
        pos = order.index(pick)
        if pos == 0:
            continue
        trial = order[:pos] + order[pos + 1:]
        trial.insert(rng.randrange(0, pos), pick)
        candidate = place_in_order(problem, trial, near)
        size = arena_size(problem, candidate)
        if size <= current_size:
            order, current, current_size = trial, candidate, size
            if size < best_size:
                best, best_size = candidate, size
    return best
