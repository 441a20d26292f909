"""Several models in one firmware: one memory plan for all of them.

Each model keeps its own verified `ArenaPlan`; this module lays those plans into shared arrays,
one per RAM region (or one array on a board without regions):

- sequential (the default): the models run one after another, so they share the same bytes.
  Each region's array is as big as the largest model's part there (the max, not the sum), and
  every model starts at offset 0 of it.
- concurrent: the models may run at the same time (two tasks), so they get disjoint bytes. Each
  model is planned with what the earlier ones left of every region, and starts where the
  earlier ones end there (the sum).

Persistent state (recurrent models) is never shared: each model keeps its own state array,
placed after the combined arena in the fastest region with room left.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable, Mapping, Sequence

from mcugen.arena import ArenaPlan
from mcugen.arena.problem import round_up
from mcugen.arena.regions import RegionArea, RegionSpec, region_areas
from mcugen.errors import ArenaError

ONE_ARENA = ""  # the region key of a plan without RAM regions


@dataclass(frozen=True)
class CombinedPlan:
    """The shared memory of several models. `plans[k]` is model k's own plan (its state region
    chosen for the combined layout); `bases[k][region]` is the byte where model k's part of that
    region starts in the shared array (region "" = the one arena of a board without regions)."""

    plans: tuple[ArenaPlan, ...]
    bases: tuple[Mapping[str, int], ...]
    region_sizes: Mapping[str, int]  # shared array bytes per region used ("" without regions)
    regions: tuple[RegionArea, ...]  # the shared arrays laid one after another; () for one arena
    concurrent: bool = False

    @property
    def size(self) -> int:
        """The shared arena, every region together."""
        return sum(self.region_sizes.values())

    @property
    def separate_size(self) -> int:
        """What the models' arenas take when each has its own (the sum of their plans)."""
        return sum(int(p.size) for p in self.plans)

    @property
    def saving(self) -> int:
        return self.separate_size - self.size

    @property
    def state_size(self) -> int:
        return sum(int(p.state_size) for p in self.plans)

    def state_in(self, region: str) -> int:
        """State bytes placed in `region` (all models')."""
        return sum(int(p.state_size) for p in self.plans if p.state_region == region)

    def base(self, model: int, area: RegionArea | None) -> int:
        return self.bases[model].get(area.name if area is not None else ONE_ARENA, 0)


def _parts(plan: ArenaPlan) -> dict[str, int]:
    """Bytes of `plan` per region ("" for a plan without regions)."""
    if not plan.regions:
        return {ONE_ARENA: int(plan.size)}
    return {a.name: int(a.size) for a in plan.regions}


def combine(plans: Sequence[ArenaPlan], concurrent: bool = False,
            regions: Sequence[RegionSpec] = ()) -> CombinedPlan:
    """Lay already-made plans into shared arrays: the max per region for sequential models, one
    after another (the sum) for concurrent ones; then each model's state in the fastest region
    with room. Raises ArenaError when a region cannot hold the combination."""
    if regions and any(not p.regions for p in plans):
        raise ArenaError("a plan made without the board's RAM regions cannot share them",
                         hint="plan every model over the same regions (pipeline.Target.for_board)")
    sizes: dict[str, int] = {}
    bases: list[dict[str, int]] = []
    for plan in plans:
        own = {}
        for name, size in _parts(plan).items():
            if concurrent:
                own[name] = round_up(sizes.get(name, 0), plan.align)
                sizes[name] = own[name] + size
            else:
                own[name] = 0
                sizes[name] = max(sizes.get(name, 0), size)
        bases.append(own)
    placed = _place_states(plans, sizes, regions)
    specs = list(regions) or _specs_of(plans)
    if specs:
        region_sizes = {r.name: sizes[r.name] for r in specs if sizes.get(r.name)}
        areas = region_areas(specs, [sizes.get(r.name, 0) for r in specs])
    else:
        region_sizes, areas = {ONE_ARENA: sizes.get(ONE_ARENA, 0)}, ()
    combined = CombinedPlan(tuple(placed), tuple(bases), region_sizes, areas, concurrent)
    verify_combined(combined, regions)
    return combined


def _specs_of(plans: Sequence[ArenaPlan]) -> list[RegionSpec]:
    """The regions the plans use, in the order they appear (when the board's are not given)."""
    found: dict[str, RegionSpec] = {}
    for plan in plans:
        for a in plan.regions:
            found.setdefault(a.name, RegionSpec(a.name, a.capacity, len(found) + 1, a.section))
    return list(found.values())


def _place_states(plans: Sequence[ArenaPlan], sizes: Mapping[str, int],
                  regions: Sequence[RegionSpec]) -> list[ArenaPlan]:
    """Each model's state area in the fastest region with room after the combined arena and the
    states placed before it (no regions: beside the arena, as for one model)."""
    if not regions:
        return list(plans)
    used = dict(sizes)
    placed = []
    for plan in plans:
        if not plan.state_size:
            placed.append(plan)
            continue
        room = [r for r in regions if r.capacity - used.get(r.name, 0) >= plan.state_size]
        if not room:
            raise ArenaError(f"the {plan.state_size}-byte state area of a model fits no RAM region "
                             "beside the combined arena",
                             hint="pick a board with more RAM (`mcugen boards`), or fewer models")
        used[room[0].name] = used.get(room[0].name, 0) + int(plan.state_size)
        placed.append(replace(plan, state_region=room[0].name))
    return placed


def plan_concurrent(plan_one: Callable[[int, tuple[RegionSpec, ...]], ArenaPlan], count: int,
                    regions: Sequence[RegionSpec], align: int = 16) -> list[ArenaPlan]:
    """Plans of `count` models that run at the same time: model k is planned (`plan_one(k,
    regions)`) over what models 0..k-1 left of every region (arena and state), so the sum fits."""
    plans: list[ArenaPlan] = []
    for k in range(count):
        if not regions:
            plans.append(plan_one(k, ()))
            continue
        used: dict[str, int] = {}
        for plan in plans:
            for name, size in _parts(plan).items():
                used[name] = round_up(used.get(name, 0), plan.align) + size
            if plan.state_size:
                used[plan.state_region] = used.get(plan.state_region, 0) + int(plan.state_size)
        left = tuple(replace(r, capacity=r.capacity - round_up(used.get(r.name, 0), align)) for r in regions)
        left = tuple(r for r in left if r.capacity > 0)
        if not left:
            raise ArenaError(f"no RAM is left for model {k + 1} of {count} running concurrently",
                             hint="run the models one after another (drop --concurrent): they share one arena")
        plans.append(plan_one(k, left))
    return plans


def verify_combined(combined: CombinedPlan, regions: Sequence[RegionSpec] = ()) -> None:
    """Raise ArenaError unless every model's part lies inside the shared array of its region,
    concurrent models' parts are disjoint, and every region holds its arena and states."""
    def fail(msg: str) -> None:
        raise ArenaError(f"combined memory plan rejected: {msg}",
                         hint="this is a planner bug; report it with the models")
    spans: dict[str, list[tuple[int, int, int]]] = {}
    for k, (plan, bases) in enumerate(zip(combined.plans, combined.bases)):
        for name, size in _parts(plan).items():
            lo = bases.get(name, 0)
            if lo % plan.align or lo + size > combined.region_sizes.get(name, 0):
                fail(f"model {k}'s {size} bytes at {lo} of region {name or 'arena'} lie outside "
                     f"its {combined.region_sizes.get(name, 0)}-byte array")
            spans.setdefault(name, []).append((lo, lo + size, k))
    if combined.concurrent:
        for name, parts in spans.items():
            parts.sort()
            for (_lo1, hi1, k1), (lo2, _hi2, k2) in zip(parts, parts[1:]):
                if lo2 < hi1:
                    fail(f"concurrent models {k1} and {k2} share bytes of region {name or 'arena'}")
    for region in regions:
        need = combined.region_sizes.get(region.name, 0) + combined.state_in(region.name)
        if need > region.capacity:
            fail(f"region {region.name} holds {region.capacity} bytes, the models need {need}")


def bytes_in_use(plan: ArenaPlan, step: int) -> int:
    """Bytes of `plan`'s arena holding live buffers at `step` (their byte ranges' union)."""
    spans = sorted((b.offset, b.offset + b.size) for b in plan.buffers if b.first <= step <= b.last)
    total, end = 0, 0
    for lo, hi in spans:
        if hi > end:
            total += hi - max(lo, end)
            end = hi
    return total


def timeline(combined: CombinedPlan, steps: Sequence[int]) -> list[tuple[int, int, int]]:
    """The models one after another on one time axis: (model, its step, arena bytes in use then)
    for model k's `steps[k]` ops. Every model's persistent state is in use all along besides."""
    return [(k, t, bytes_in_use(plan, t)) for k, (plan, n) in enumerate(zip(combined.plans, steps))
            for t in range(n)]
