"""Placement over several RAM regions: which buffer goes to which region, then one plan per region.

A board may have a small fast memory (TCM, block RAM, internal SRAM) beside a larger or slower
one (AXI SRAM, PSRAM). The rule: fit first, then heat. When the whole arena fits the fastest
region it goes there whole. Otherwise the buffers are taken hottest first (accesses per byte: a
convolution's input is read once per multiply-accumulate, its output written once) and each goes
to the fastest region that can still hold it, checked by placing that region's buffers; what is
left goes to the slower ones. Each region is then planned on its own (permits to overlap only
between buffers of one region).

The plan keeps one offset per buffer in a virtual arena: the regions' areas one after another
(`RegionArea.start`), so the verifier checks every region at once, and a buffer never straddles
two of them.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from mcugen import ir
from mcugen.arena import placement
from mcugen.arena.problem import Permit, Problem, arena_size, lower_bound
from mcugen.errors import ArenaError
from mcugen.stats import op_macs

# ops whose data input is read once per multiply-accumulate (not once per element)
_MAC_READERS = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "TRANSPOSE_CONV", "BATCH_MATMUL",
                "CONV_3D", "UNIDIRECTIONAL_SEQUENCE_LSTM", "SVDF")


@dataclass(frozen=True)
class RegionSpec:
    """A region the planner may use: its name, the bytes buffers may take in it, and its speed
    rank (1 = fastest). `section` is where its buffers go ("" = the main RAM's .bss)."""

    name: str
    capacity: int
    speed: int = 1
    section: str = ""


@dataclass(frozen=True)
class RegionArea:
    """A region's part of a plan: bytes [start, start + size) of the plan's virtual arena."""

    name: str
    section: str
    start: int
    size: int
    capacity: int

    def holds(self, offset: int) -> bool:
        return self.start <= offset < self.start + max(self.size, 1)


def accesses(graph: ir.Graph, problem: Problem) -> list[float]:
    """Estimated byte accesses of each request per inference: every tensor written once and read
    by each consumer (once per MAC for the data input of a convolution or dense layer, else once
    per element); a kernel scratch buffer written and read once per MAC of its op."""
    readers: dict[int, list[ir.Op]] = {}
    for op in graph.ops:
        for tid in op.inputs:
            readers.setdefault(tid, []).append(op)
    counts = []
    for r in problem.requests:
        if r.op is not None:
            counts.append(2.0 * max(r.size, op_macs(graph, graph.ops[r.op])))
            continue
        total = 0.0
        for tid in r.tensors:
            nbytes = graph.tensors[tid].nbytes
            total += nbytes
            for op in readers.get(tid, []):
                data_input = op.kind in _MAC_READERS and op.inputs and op.inputs[0] == tid
                total += max(nbytes, op_macs(graph, op)) if data_input else nbytes
        counts.append(total)
    return counts


def subproblem(problem: Problem, members: Sequence[int]) -> Problem:
    """The requests `members` alone, with the permits between them (re-indexed)."""
    index = {old: new for new, old in enumerate(members)}
    permits = tuple(Permit(index[p.out], index[p.inp], p.max_shift) for p in problem.permits
                    if p.out in index and p.inp in index)
    return Problem(tuple(problem.requests[i] for i in members), permits, problem.align)


# a short search (work units of mcugen.arena.solve) where the quick placements miss a fit the
# lower bound allows: streaming outputs that start below their input need the input placed first
FIT_SEARCH_SECONDS = 0.02


def _fits(problem: Problem, members: list[int], capacity: int) -> bool:
    sub = subproblem(problem, members)
    if lower_bound(sub) > capacity:
        return False
    if arena_size(sub, placement.place_ordered(sub, "greedy")) <= capacity:
        return True
    if arena_size(sub, placement.best_heuristic(sub)[1]) <= capacity:
        return True
    from mcugen.arena import solve  # the package's solver (it imports this module)

    return arena_size(sub, solve(sub, "best", FIT_SEARCH_SECONDS)[0]) <= capacity


def assign(graph: ir.Graph, problem: Problem, regions: Sequence[RegionSpec],
           single: Sequence[int] = ()) -> list[list[int]]:
    """Request indices per region (regions fastest first). Candidates: buffers taken hottest
    first (or biggest first) into the fastest region that still holds them; and cuts of the
    one-arena placement `single` by address, the part below the cut in the fastest region (a cut
    keeps most in-place reuse, which splitting by heat loses). Of the candidates that fit, the one
    serving the most accesses from the fastest regions wins."""
    counts = accesses(graph, problem)
    heat = [a / max(r.size, 1) for a, r in zip(counts, problem.requests)]
    n = len(problem.requests)
    candidates = [_greedy(problem, regions, sorted(range(n), key=lambda i: (-heat[i], i))),
                  _greedy(problem, regions, sorted(range(n), key=lambda i: (-problem.requests[i].size,
                                                                            -heat[i], i)))]
    if single and len(regions) > 1:
        candidates += _cuts(problem, regions, single, heat)
    fitting = [c for c in candidates if c is not None]
    if not fitting:
        need = lower_bound(problem)
        raise ArenaError(
            f"the buffers do not fit the board's RAM regions: at least {need} bytes are alive at once; "
            + ", ".join(f"{r.name} holds {r.capacity}" for r in regions),
            hint="pick a board with more RAM (`mcugen boards`), or a smaller model")
    best = max(fitting, key=lambda c: tuple(sum(counts[i] for i in members) for members in c))
    return [sorted(members) for members in best]


def _greedy(problem: Problem, regions: Sequence[RegionSpec], order: Sequence[int],
            start: Sequence[Sequence[int]] = ()) -> list[list[int]] | None:
    """Each request in `order` to the first region that still holds it (regions may start with
    `start`'s members); None when one fits nowhere."""
    chosen = [list(s) for s in start] + [[] for _ in range(len(regions) - len(start))]
    for i in order:
        for k, region in enumerate(regions):
            if _fits(problem, chosen[k] + [i], region.capacity):
                chosen[k].append(i)
                break
        else:
            return None
    return chosen


def _cuts(problem: Problem, regions: Sequence[RegionSpec], single: Sequence[int],
          heat: Sequence[float]) -> list[list[list[int]] | None]:
    """For each address C of the one-arena placement: the buffers wholly below C to the fastest
    region (with the ones straddling C when they fit too), the rest hottest first to the others."""
    bounds = sorted({o for o in single} | {o + r.size for o, r in zip(single, problem.requests)})
    found = []
    for cut in bounds:
        if not 0 < cut <= regions[0].capacity:
            continue
        below = [i for i, o in enumerate(single) if o + problem.requests[i].size <= cut]
        straddle = [i for i, o in enumerate(single) if o < cut < o + problem.requests[i].size]
        if straddle and _fits(problem, below + straddle, regions[0].capacity):
            below += straddle
        if not _fits(problem, below, regions[0].capacity):
            continue
        rest = sorted((i for i in range(len(single)) if i not in set(below)), key=lambda i: (-heat[i], i))
        found.append(_greedy(problem, regions, rest, start=[below]))
    return found


def region_areas(regions: Sequence[RegionSpec], sizes: Sequence[int]) -> tuple[RegionArea, ...]:
    """The used regions' areas, one after another in the virtual arena (empty ones left out)."""
    areas, start = [], 0
    for region, size in zip(regions, sizes):
        if size:
            areas.append(RegionArea(region.name, region.section, start, size, region.capacity))
            start += size
    return tuple(areas)
