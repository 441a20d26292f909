"""Static tensor-arena planning: lifetimes, aliasing, placement, and a verifier run on every plan.

    plan = plan_arena(graph, scratch={op_index: bytes}, inplace=True, align=16)
    plan.size, plan.tensor_offsets[tid], plan.scratch_offsets[op_index]

Algorithms: "greedy" (TFLite Micro's greedy-by-size), "heuristic" (best of several orderings and
a best-fit sweep), "exact" (branch and bound seeded with the heuristics, under `time_budget_s`),
"best" (heuristics, a local search over placement orders, then branch and bound). `optimal` says
whether the result is proven minimal (it meets the lower bound, or the exact search finished).
`time_budget_s` buys a fixed amount of search work (about that many seconds on one core), so the
same graph always gets the same plan however busy the machine is.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Mapping

from mcugen import ir
from mcugen.arena import placement
from mcugen.arena.lifetimes import build_problem
from mcugen.arena.problem import Problem, arena_size, lower_bound
from mcugen.arena.problem import step_loads as problem_step_loads
from mcugen.arena.regions import RegionArea, RegionSpec, assign, region_areas, subproblem
from mcugen.arena.verify import verify_plan
from mcugen.errors import ArenaError

ALGORITHMS = ("greedy", "heuristic", "exact", "best")


@dataclass(frozen=True)
class Buffer:
    key: str  # "t<id>" for tensors (id of the group's first tensor), "s<op>" for kernel scratch
    size: int  # bytes reserved (rounded up to the alignment)
    first: int  # first step (op index) it is alive
    last: int  # last step it is alive, inclusive
    offset: int
    nbytes: int = 0  # bytes used
    tensors: tuple[int, ...] = ()  # tensors sharing these bytes (views, in-place outputs)
    op: int | None = None  # owner of a scratch buffer
    overlaps: tuple[tuple[str, int], ...] = ()  # (key, max shift): may overlap that dying input


@dataclass(frozen=True)
class ArenaPlan:
    size: int  # arena bytes (multiple of align)
    tensor_offsets: Mapping[int, int]  # activation tensor id -> offset (views share their input's)
    scratch_offsets: Mapping[int, int]  # op index -> offset of that op's kernel scratch
    buffers: tuple[Buffer, ...]
    lower_bound: int  # largest live bytes at any step, given the aliasing used
    optimal: bool  # proven optimal
    algorithm: str
    inplace: bool
    align: int = 16
    # persistent state (graph.state_ids): its own area, kept between invokes, never shared
    state_offsets: Mapping[int, int] = field(default_factory=dict)  # state tensor id -> offset
    state_size: int = 0  # state area bytes (multiple of align)
    # several RAM regions (mcugen.arena.regions): their areas, one after another in the offsets'
    # virtual arena; () for one arena. The state area lives in region `state_region`.
    regions: tuple[RegionArea, ...] = ()
    state_region: str = ""

    @property
    def gap(self) -> int:
        return self.size - self.lower_bound

    def area_of(self, offset: int) -> RegionArea | None:
        """The region area holding virtual offset `offset` (None for a one-arena plan)."""
        return next((a for a in self.regions if a.holds(offset)), None)


# Search budgets are counted in work units, so a plan does not depend on how busy the machine is;
# this many make about a second on one core. A lowest-fit placement in the local search costs
# PLACEMENT_COST units, the exact search counts its own (mcugen.arena.exact). The wall clock only
# stops a search running SAFETY times over its budget.
WORK_PER_SECOND = 800_000
PLACEMENT_COST = 4
SAFETY = 4


def solve(problem: Problem, algorithm: str = "best", time_budget_s: float = 1.0
          ) -> tuple[list[int], str, bool]:
    """Offsets for `problem`, the name of what found them, and whether they are proven optimal."""
    if algorithm not in ALGORITHMS:
        raise ArenaError(f"unknown planning algorithm {algorithm!r}", hint="use one of " + ", ".join(ALGORITHMS))
    work = int(max(0.0, time_budget_s) * WORK_PER_SECOND)
    return _solve(problem, algorithm, work, time.perf_counter() + SAFETY * time_budget_s)


def _solve(problem: Problem, algorithm: str, work: int, deadline: float) -> tuple[list[int], str, bool]:
    bound = lower_bound(problem)
    if algorithm == "greedy":
        offsets = placement.place_ordered(problem, "greedy")
        return offsets, "greedy", arena_size(problem, offsets) == bound
    name, offsets = placement.best_heuristic(problem)
    size = arena_size(problem, offsets)
    if size == bound:
        return offsets, name, True
    # Kernel scratch is short-lived and small: placing the tensors first, then fitting scratch
    # around them, often beats placing everything at once.
    sub, keep = placement.split_scratch(problem)
    if len(keep) < len(problem.requests):
        sub_algorithm = "heuristic" if algorithm == "heuristic" else "best"
        sub_offsets, sub_name, sub_optimal = _solve(sub, sub_algorithm, work // 2, deadline)
        work -= work // 2
        if sub_optimal:  # dropping buffers never makes the optimum larger
            bound = max(bound, arena_size(sub, sub_offsets))
        candidate = placement.add_scratch(problem, keep, sub_offsets)
        if arena_size(problem, candidate) < size:
            offsets, name, size = candidate, f"{sub_name}+scratch", arena_size(problem, candidate)
    if algorithm == "heuristic" or size == bound:
        return offsets, name, size == bound
    if algorithm == "best":  # a cheap local search first gives the exact search a tighter start
        moves = work // 2 // (PLACEMENT_COST * max(1, len(problem.requests)))
        work -= work // 2
        better = placement.improve(problem, offsets, moves, bound, deadline=deadline)
        if arena_size(problem, better) < size:
            offsets, name, size = better, f"{name}+search", arena_size(problem, better)
        if size == bound:
            return offsets, name, True
    from mcugen.arena.exact import branch_and_bound, proves_optimality

    found, complete = branch_and_bound(problem, offsets, work, deadline)
    if arena_size(problem, found) < size:
        offsets, name = found, "exact"
    size = arena_size(problem, offsets)
    return offsets, name, size == bound or (complete and proves_optimality(problem))


def plan_arena(graph: ir.Graph, scratch: Mapping[int, int] | None = None, *, inplace: bool = True,
               align: int = 16, time_budget_s: float = 1.0, algorithm: str = "best",
               regions: tuple[RegionSpec, ...] = ()) -> ArenaPlan:
    """Plan every activation tensor and kernel scratch of `graph` into one arena, or over the
    board's RAM `regions` (fastest first; mcugen.arena.regions), and verify it."""
    problem, index_of = build_problem(graph, scratch, inplace=inplace, align=align)
    offsets, name, optimal = solve(problem, algorithm, time_budget_s)
    plan = make_plan(problem, offsets, index_of, name, optimal, inplace)
    if regions:
        plan = _over_regions(graph, problem, index_of, plan, regions, algorithm, time_budget_s)
    plan = with_state(graph, plan, regions)
    verify_plan(graph, plan, scratch)
    return plan


def _over_regions(graph: ir.Graph, problem: Problem, index_of: Mapping[int, int], plan: ArenaPlan,
                  regions: tuple[RegionSpec, ...], algorithm: str, time_budget_s: float) -> ArenaPlan:
    """`plan` (one arena) kept whole in the fastest region when it fits there; otherwise the
    buffers assigned to regions by heat and each region planned on its own."""
    if plan.size <= regions[0].capacity:
        return replace(plan, regions=region_areas(regions[:1], [plan.size]))
    members = assign(graph, problem, regions, [b.offset for b in plan.buffers])
    offsets = [0] * len(problem.requests)
    sizes, bounds, proven, names = [], [], [], set()
    for region, chosen in zip(regions, members):
        sub = subproblem(problem, chosen)
        sub_offsets, sub_name, sub_optimal = (solve(sub, algorithm, time_budget_s / len(regions))
                                              if chosen else ([], "", True))
        size = arena_size(sub, sub_offsets)
        if size > region.capacity:  # assign() found a packing that fits; the search never does worse
            raise ArenaError(f"region {region.name}: planned {size} bytes of {region.capacity}",
                             hint="this is a planner bug; report it")
        start = sum(sizes)
        for i, off in zip(chosen, sub_offsets):
            offsets[i] = start + off
        sizes.append(size)
        bounds.append(lower_bound(sub))
        proven.append(sub_optimal)
        names.add(sub_name)
    spread = make_plan(problem, offsets, index_of, "+".join(sorted(n for n in names if n)), all(proven),
                       plan.inplace)
    return replace(spread, lower_bound=sum(bounds), regions=region_areas(regions, sizes))


def with_state(graph: ir.Graph, plan: ArenaPlan, regions: tuple[RegionSpec, ...] = ()) -> ArenaPlan:
    """`plan` with the graph's persistent state laid out one after another in the state area.
    State lives for the whole program (it carries over from one invoke to the next), so no two
    state tensors may share bytes and there is nothing to plan beyond packing them. Over several
    regions the state area goes to the fastest one with room left after the arena."""
    offsets, size = {}, 0
    for tid in graph.state_ids:
        offsets[tid] = size
        size += -(-graph.tensors[tid].nbytes // plan.align) * plan.align
    where = ""
    if regions and size:
        used = {a.name: a.size for a in plan.regions}
        room = [r for r in regions if r.capacity - used.get(r.name, 0) >= size]
        if not room:
            raise ArenaError(f"the {size}-byte state area fits no RAM region beside the arena",
                             hint="pick a board with more RAM (`mcugen boards`), or a smaller model")
        where = room[0].name
    return replace(plan, state_offsets=offsets, state_size=size, state_region=where)


def make_plan(problem: Problem, offsets: list[int], index_of: Mapping[int, int], algorithm: str,
              optimal: bool, inplace: bool) -> ArenaPlan:
    reqs = problem.requests
    overlaps: dict[int, list[tuple[str, int]]] = {}
    for p in problem.permits:
        overlaps.setdefault(p.out, []).append((reqs[p.inp].key, p.max_shift))
    buffers = tuple(Buffer(r.key, r.size, r.first, r.last, offsets[i], r.nbytes, r.tensors, r.op,
                           tuple(overlaps.get(i, ()))) for i, r in enumerate(reqs))
    return ArenaPlan(
        size=arena_size(problem, offsets),
        tensor_offsets={tid: offsets[i] for tid, i in sorted(index_of.items())},
        scratch_offsets={r.op: offsets[i] for i, r in enumerate(reqs) if r.op is not None},
        buffers=buffers,
        lower_bound=lower_bound(problem),
        optimal=optimal,
        algorithm=algorithm,
        inplace=inplace,
        align=problem.align,
    )


def step_loads(graph: ir.Graph, scratch: Mapping[int, int] | None = None, *, inplace: bool = True,
               align: int = 16) -> list[int]:
    """The least bytes live at each step (op index) of `graph` with these kernel scratch sizes,
    given the overlaps `inplace` permits: no plan is smaller than their maximum."""
    problem, _ = build_problem(graph, scratch, inplace=inplace, align=align)
    return problem_step_loads(problem)
