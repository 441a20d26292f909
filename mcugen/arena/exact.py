"""Exact placement: depth-first branch and bound over canonical placements, under a time budget.

Any plan can be pushed down until each buffer sits at the lowest offset left free by the buffers
below it; listing the buffers by offset then gives an order in which "place at the lowest fit"
rebuilds it. So it suffices to search orders whose offsets never decrease, each buffer at its
lowest fit at or above the previous one. Pushing down keeps every overlap permit satisfied as long
as an output may only sit at or below its input (max shift <= 0) or anywhere (no limit): then a
finished search proves optimality. A permit letting the output sit a little *above* its input
breaks the argument (pushing the input down could move it out of reach); the search then stays
sound but proves nothing.

Pruning: a branch is cut when a lower bound on its final arena reaches the best plan known. The
bound takes, for each step, the lowest offset any still-unplaced buffer alive then can take plus
the bytes of all of them (less what overlap permits can save).
"""
from __future__ import annotations

import sys
import time

from mcugen.arena.placement import neighbours
from mcugen.arena.problem import Problem, arena_size, forbidden, live_together, lowest_fit, permit_table


# Work units per unplaced buffer at a node (its fit, its share of the bound), against one unit
# for one lowest-fit placement in the heuristics: measured, about 10x.
NODE_COST = 10


class _Search:
    def __init__(self, problem: Problem, incumbent: list[int], work: int, deadline: float):
        self.p = problem
        self.reqs = problem.requests
        self.near = neighbours(problem)
        self.permits = permit_table(problem)
        self.savings = self._savings()
        self.offsets = [-1] * len(self.reqs)
        self.best = list(incumbent)
        self.best_size = arena_size(problem, incumbent)
        self.work = work  # work units left: a deterministic budget
        self.deadline = deadline  # wall clock, a safety net only
        self.timed_out = False
        self.nodes = 0

    def _savings(self) -> list[tuple[int, int, int, int]]:
        """(out, inp, step, bytes saved) for every permit: how much the pair may overlap."""
        result = []
        for p in self.p.permits:
            out, inp = self.reqs[p.out], self.reqs[p.inp]
            span = max(out.size, inp.size) if p.max_shift >= 0 else max(inp.size - p.max_shift, out.size)
            saved = max(0, out.size + inp.size - span)
            for t in range(max(out.first, inp.first), min(out.last, inp.last) + 1):
                result.append((p.out, p.inp, t, saved))
        return result

    def fit(self, c: int, floor: int) -> int:
        spans = [forbidden(self.p, self.permits, c, a, self.offsets[a])
                 for a in self.near[c] if self.offsets[a] >= 0]
        return lowest_fit(spans, floor)

    def bound(self, top: int, fits: dict[int, int]) -> int:
        """A lower bound on the final arena of every completion of the current partial plan.

        At each step, the unplaced buffers with fits >= Y all lie above Y, apart from each other
        (less what permits let overlap) and from the placed buffers' bytes above Y.
        """
        steps = self.p.steps
        waiting: list[list[tuple[int, int]]] = [[] for _ in range(steps)]
        best = top
        for c, y in fits.items():
            r = self.reqs[c]
            best = max(best, y + r.size)
            for t in range(r.first, r.last + 1):
                waiting[t].append((y, r.size))
        saved = [0] * steps
        partner_of_waiting: set[tuple[int, int]] = set()  # (placed request, step)
        for out, inp, t, amount in self.savings:
            if out in fits and inp in fits:
                saved[t] += amount
            elif out in fits:
                partner_of_waiting.add((inp, t))
            elif inp in fits:
                partner_of_waiting.add((out, t))
        held: list[list[tuple[int, int]]] = [[] for _ in range(steps)]
        for a, off in enumerate(self.offsets):
            if off >= 0:
                r = self.reqs[a]
                for t in range(r.first, r.last + 1):
                    if waiting[t] and (a, t) not in partner_of_waiting:
                        held[t].append((off, off + r.size))
        for t in range(steps):
            items = sorted(waiting[t], reverse=True)
            total = 0
            for k, (y, size) in enumerate(items):
                total += size
                if k + 1 < len(items) and items[k + 1][0] == y:
                    continue
                above = sum(hi - max(lo, y) for lo, hi in held[t] if hi > y)
                best = max(best, y + total + above - saved[t])
        return best

    def run(self, floor: int, top: int, previous: int, left: int) -> None:
        self.nodes += 1
        if left == 0:
            if top < self.best_size:
                self.best_size, self.best = top, list(self.offsets)
            return
        self.work -= NODE_COST * left
        if self.work < 0 or time.perf_counter() > self.deadline:
            self.timed_out = True
        if self.timed_out:
            return
        fits = {c: self.fit(c, floor) for c in range(len(self.reqs)) if self.offsets[c] < 0}
        if self.bound(top, fits) >= self.best_size:
            return
        order = sorted(fits, key=lambda c: (fits[c], -self.reqs[c].size, c))
        # A buffer c left below the next offset must later be pushed up by some buffer placed
        # at or above that offset and overlapping [fit(c), fit(c) + size(c)); so the next offset
        # stays below fit(c) + size(c) for every c that could go lower.
        reach = float("inf")  # min of fit + size over candidates with a lower fit
        pending = float("inf")  # same, for the candidates at the current fit
        current = None
        for c in order:
            y = fits[c]
            if y != current:
                reach, pending, current = min(reach, pending), float("inf"), y
            pending = min(pending, y + self.reqs[c].size)
            if y >= reach:
                break
            if y == floor and c < previous and not live_together(self.reqs[c], self.reqs[previous]):
                continue  # disjoint buffers at one offset: any order gives the same plan
            if y + self.reqs[c].size >= self.best_size:
                continue
            self.offsets[c] = y
            self.run(y, max(top, y + self.reqs[c].size), c, left - 1)
            self.offsets[c] = -1
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
        search.run(0, 0, -1, len(problem.requests))
    finally:
        sys.setrecursionlimit(old_limit)
    return search.best, not search.timed_out
