"""Exact placement: depth-first branch and bound over canonical placements, under a work budget.

Any plan can be pushed down until each buffer sits at the lowest offset left free by the buffers
below it; listing the buffers by offset then gives an order in which "place at the lowest fit"
rebuilds it. So it suffices to search orders whose offsets never decrease, each buffer at its
lowest fit at or above the previous one. Pushing down keeps every overlap permit satisfied as long
as an output may only sit at or below its input (max shift <= 0) or anywhere (no limit): then a
finished search proves optimality. A permit letting the output sit a little *above* its input
breaks the argument (pushing the input down could move it out of reach); the search then stays
sound but proves nothing.

Pruning: (1) a branch is cut when a lower bound on its final arena reaches the best plan known:
at each step, every unplaced buffer alive then lies above the current offset and above the placed
buffers alive then, apart from each other (less what permits let overlap); (2) a buffer that
could go lower than the next offset must later be pushed up by a buffer placed at or above it, so
the next offset stays below its fit plus its size; (3) buffers alive at disjoint steps that go at
one offset are placed in index order only.

State (fits, the bytes still to place per step, the placed tops per step) is updated as buffers
are placed and undone on backtracking, so a node costs about one pass over the unplaced buffers.
"""
from __future__ import annotations

import sys
import time

from mcugen.arena.placement import neighbours
from mcugen.arena.problem import Problem, arena_size, forbidden, live_together, lowest_fit, permit_table

# Work units a node costs per unplaced buffer (a lowest-fit placement in the local search costs
# PLACEMENT_COST = 4; measured).
NODE_COST = 1
BOUND_COST = 1  # per unplaced buffer and step of its life, in the stronger bound


class _Search:
    def __init__(self, problem: Problem, incumbent: list[int], work: int, deadline: float):
        self.p = problem
        self.reqs = problem.requests
        self.size = [r.size for r in self.reqs]
        self.near = neighbours(problem)
        self.permits = permit_table(problem)
        n, steps = len(self.reqs), problem.steps
        self.paired = [False] * n  # has an overlap permit: left out of the per-step tops
        self.savings: list[list[tuple[int, int, int]]] = [[] for _ in range(n)]  # (partner, step, bytes)
        self.waiting_bytes = [0] * steps
        self.saved = [0] * steps  # bytes permits let overlap, between two unplaced buffers
        self.tops = [0] * steps  # highest top of a placed, unpaired buffer
        for r in self.reqs:
            for t in range(r.first, r.last + 1):
                self.waiting_bytes[t] += r.size
        for p in problem.permits:
            out, inp = self.reqs[p.out], self.reqs[p.inp]
            span = max(out.size, inp.size) if p.max_shift >= 0 else max(inp.size - p.max_shift, out.size)
            amount = max(0, out.size + inp.size - span)
            self.paired[p.out] = self.paired[p.inp] = True
            for t in range(max(out.first, inp.first), min(out.last, inp.last) + 1):
                self.saved[t] += amount
                self.savings[p.out].append((p.inp, t, amount))
                self.savings[p.inp].append((p.out, t, amount))
        self.offsets = [-1] * n
        self.spans: list[list[tuple[int, int]]] = [[] for _ in range(n)]
        self.fit = [lowest_fit([], 0)] * n
        self.best = list(incumbent)
        self.best_size = arena_size(problem, incumbent)
        self.work = work  # work units left: a deterministic budget
        self.deadline = deadline  # wall clock, a safety net only
        self.timed_out = False

    # -- placing and undoing ------------------------------------------------------------------
    def place(self, b: int, y: int) -> list[tuple[int, int]]:
        r, size = self.reqs[b], self.size[b]
        self.offsets[b] = y
        old_tops = []
        for t in range(r.first, r.last + 1):
            self.waiting_bytes[t] -= size
            if not self.paired[b] and y + size > self.tops[t]:
                old_tops.append((t, self.tops[t]))
                self.tops[t] = y + size
        for partner, t, amount in self.savings[b]:
            if self.offsets[partner] < 0:
                self.saved[t] -= amount
        for c in self.near[b]:
            if self.offsets[c] < 0:
                self.spans[c].append(forbidden(self.p, self.permits, c, b, y))
        return old_tops

    def unplace(self, b: int, old_tops: list[tuple[int, int]]) -> None:
        r, size = self.reqs[b], self.size[b]
        for c in self.near[b]:
            if self.offsets[c] < 0:
                self.spans[c].pop()
        for partner, t, amount in self.savings[b]:
            if self.offsets[partner] < 0:
                self.saved[t] += amount
        for t in range(r.first, r.last + 1):
            self.waiting_bytes[t] += size
        for t, old in old_tops:
            self.tops[t] = old
        self.offsets[b] = -1

    # -- search --------------------------------------------------------------------------------
    def bound(self, floor: int, top: int, waiting: list[int]) -> int:
        best = top
        for c in waiting:
            best = max(best, self.fit[c] + self.size[c])
        for t, need in enumerate(self.waiting_bytes):
            if need:
                best = max(best, max(floor, self.tops[t]) + need - self.saved[t])
        if best >= self.best_size:
            return best
        # Stronger, dearer: at each step, the unplaced buffers whose fits are >= Y all lie above Y.
        by_step: dict[int, list[tuple[int, int]]] = {}
        for c in waiting:
            r = self.reqs[c]
            self.work -= BOUND_COST * (r.last - r.first + 1)
            for t in range(r.first, r.last + 1):
                by_step.setdefault(t, []).append((self.fit[c], self.size[c]))
        for t, items in by_step.items():
            items.sort(reverse=True)
            total, saved, low = 0, self.saved[t], self.tops[t]
            for k, (y, size) in enumerate(items):
                total += size
                if k + 1 == len(items) or items[k + 1][0] != y:
                    best = max(best, max(y, low) + total - saved)
        return best

    def run(self, floor: int, top: int, previous: int, waiting: list[int]) -> None:
        if not waiting:
            if top < self.best_size:
                self.best_size, self.best = top, list(self.offsets)
            return
        self.work -= NODE_COST * len(waiting)
        if self.work < 0 or time.perf_counter() > self.deadline:
            self.timed_out = True
            return
        touched = set(self.near[previous]) if previous >= 0 else set(waiting)
        changed = []
        for c in waiting:  # keep every fit the lowest feasible offset at or above `floor`
            if c in touched or self.fit[c] < floor:
                new = lowest_fit(self.spans[c], floor)
                if new != self.fit[c]:
                    changed.append((c, self.fit[c]))
                    self.fit[c] = new
        try:
            if self.bound(floor, top, waiting) < self.best_size:
                self._branch(floor, top, previous, waiting)
        finally:
            for c, old in changed:
                self.fit[c] = old

    def _branch(self, floor: int, top: int, previous: int, waiting: list[int]) -> None:
        order = sorted(waiting, key=lambda c: (self.fit[c], -self.size[c], c))
        reach = float("inf")  # min of fit + size over candidates with a lower fit (pruning 2)
        pending = float("inf")  # the same, for the candidates at the current fit
        current = None
        for c in order:
            y = self.fit[c]
            if y != current:
                reach, pending, current = min(reach, pending), float("inf"), y
            pending = min(pending, y + self.size[c])
            if y >= reach:
                break
            if y == floor and c < previous and not live_together(self.reqs[c], self.reqs[previous]):
                continue  # pruning 3
            if y + self.size[c] >= self.best_size:
                continue
            old_tops = self.place(c, y)
            rest = [w for w in waiting if w != c]
            self.run(y, max(top, y + self.size[c]), c, rest)
            self.unplace(c, old_tops)
            if self.timed_out:
                return


def proves_optimality(problem: Problem) -> bool:
    """Whether a finished search over canonical placements covers every plan of `problem`."""
    sizes = [r.size for r in problem.requests]
    return all(p.max_shift <= 0 or p.max_shift >= sizes[p.inp] - problem.align for p in problem.permits)


def branch_and_bound(problem: Problem, incumbent: list[int], work: int, deadline: float = float("inf")
                     ) -> tuple[list[int], bool]:
    """Best offsets found (never worse than `incumbent`) and whether the search finished within
    `work` units (see NODE_COST) and before the wall-clock `deadline`."""
    search = _Search(problem, incumbent, work, deadline)
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old_limit, 4 * len(problem.requests) + 200))
    try:
        search.run(0, 0, -1, list(range(len(problem.requests))))
    finally:
        sys.setrecursionlimit(old_limit)
    return search.best, not search.timed_out
