"""An independent check of a finished plan, done on tensors rather than on the planner's groups.

It recomputes lifetimes from the graph and checks every pair of byte ranges alive at a common step
against the overlap contract directly, so a bug in grouping or placement cannot vouch for itself.
"""
from __future__ import annotations

from typing import Mapping

from mcugen import ir
from mcugen.arena import aliasing
from mcugen.errors import ArenaError


def _lifetimes(graph: ir.Graph) -> dict[int, list[int]]:
    end = max(len(graph.ops) - 1, 0)
    acts = set(graph.activation_ids)
    span: dict[int, list[int]] = {t: [0, 0] for t in acts if t in graph.inputs}
    for op in graph.ops:
        for t in (*op.inputs, *op.outputs):
            if t in acts:
                lo_hi = span.setdefault(t, [op.index, op.index])
                lo_hi[1] = max(lo_hi[1], op.index)
    for t in graph.outputs:
        if t in acts:
            span.setdefault(t, [0, end])[1] = end
    return span


def _view_classes(graph: ir.Graph) -> dict[int, int]:
    cls = {t: t for t in graph.activation_ids}

    def root(t: int) -> int:
        while cls[t] != t:
            t = cls[t]
        return t
    for op in graph.ops:
        src = aliasing.view_input(graph, op)
        if src is not None:
            cls[root(op.outputs[0])] = root(src)
    return {t: root(t) for t in cls}


def verify_plan(graph: ir.Graph, plan, scratch: Mapping[int, int] | None = None) -> None:
    """Raise ArenaError unless `plan` (an ArenaPlan) is safe for `graph` under the contract."""
    def fail(msg: str) -> None:
        raise ArenaError(f"memory plan rejected: {msg}",
                         hint="this is a planner bug; plan with --no-inplace or report it")
    align = plan.align
    if plan.size % align or plan.size < 0:
        fail(f"arena size {plan.size} is not a multiple of {align}")
    lives = _lifetimes(graph)
    ranges: list[tuple[str, int, int, int, int, int | None]] = []  # (what, lo, hi, first, last, tid)
    for tid, (first, last) in lives.items():
        if tid not in plan.tensor_offsets:
            fail(f"tensor {tid} has no offset")
        off = plan.tensor_offsets[tid]
        ranges.append((f"tensor {tid}", off, off + graph.tensors[tid].nbytes, first, last, tid))
    for op_index, nbytes in (scratch or {}).items():
        if nbytes > 0:
            if op_index not in plan.scratch_offsets:
                fail(f"op {op_index}'s scratch has no offset")
            off = plan.scratch_offsets[op_index]
            ranges.append((f"scratch of op {op_index}", off, off + nbytes, op_index, op_index, None))
    for what, lo, hi, _, _, _ in ranges:
        if lo % align:
            fail(f"{what} at offset {lo} is not {align}-byte aligned")
        if lo < 0 or hi > plan.size:
            fail(f"{what} [{lo}, {hi}) lies outside the {plan.size}-byte arena")
        area = plan.area_of(lo) if plan.regions else None
        if plan.regions and (area is None or hi > area.start + area.size):
            fail(f"{what} [{lo}, {hi}) does not lie inside one RAM region")
    _verify_regions(plan, fail)
    _verify_state(graph, plan, fail)
    ctx = _Context(graph, plan, lives) if plan.inplace else None
    ranges.sort(key=lambda r: r[3])
    for i, a in enumerate(ranges):
        for b in ranges[i + 1:]:
            if b[3] > a[4]:
                break
            if a[1] < b[2] and b[1] < a[2] and a[1] < a[2] and b[1] < b[2]:
                if ctx is None or not ctx.allowed(a[5], b[5]):
                    fail(f"{a[0]} [{a[1]}, {a[2]}) steps {a[3]}-{a[4]} overlaps "
                         f"{b[0]} [{b[1]}, {b[2]}) steps {b[3]}-{b[4]}")


def _verify_regions(plan, fail) -> None:
    """Region areas tile the virtual arena in order, each aligned and within its capacity."""
    start = 0
    for area in plan.regions:
        if area.start != start or area.size % plan.align or area.size > area.capacity:
            fail(f"region {area.name}: area [{area.start}, {area.start + area.size}) misplaced or over "
                 f"its {area.capacity} bytes")
        start += area.size
    if plan.regions and start != plan.size:
        fail(f"the region areas cover {start} bytes of the {plan.size}-byte plan")


def _verify_state(graph: ir.Graph, plan, fail) -> None:
    """State is alive at every step of every invoke: each state tensor needs its own bytes."""
    spans = []
    for tid in graph.state_ids:
        if tid not in plan.state_offsets:
            fail(f"state tensor {tid} has no offset in the state area")
        lo = plan.state_offsets[tid]
        hi = lo + graph.tensors[tid].nbytes
        if lo % plan.align or lo < 0 or hi > plan.state_size:
            fail(f"state tensor {tid} [{lo}, {hi}) is misaligned or outside the {plan.state_size}-byte state area")
        spans.append((lo, hi, tid))
    spans.sort()
    for (lo_a, hi_a, a), (lo_b, hi_b, b) in zip(spans, spans[1:]):
        if lo_b < hi_a:
            fail(f"state tensors {a} and {b} overlap ([{lo_a}, {hi_a}) and [{lo_b}, {hi_b})); state is never shared")
    if any(t in plan.tensor_offsets for t in graph.state_ids):
        fail("a state tensor was also placed in the arena, where other buffers reuse its bytes")


class _Context:
    """What the overlap rules need to know about the graph, computed once per check."""

    def __init__(self, graph: ir.Graph, plan, lives: dict[int, list[int]]):
        self.graph, self.offsets, self.lives = graph, plan.tensor_offsets, lives
        self.views = _view_classes(graph)
        self.producer = {t: op for op in graph.ops for t in op.outputs}
        self.members: dict[int, list[int]] = {}
        for t, c in self.views.items():
            self.members.setdefault(c, []).append(t)
        self.model_outputs = set(graph.outputs)

    def allowed(self, t: int | None, u: int | None) -> bool:
        if t is None or u is None:
            return False
        if self.views[t] == self.views[u] and self.offsets[t] == self.offsets[u]:
            return True  # the same bytes seen through view ops
        return self._writes_over(t, u) or self._writes_over(u, t)

    def _writes_over(self, out: int, other: int) -> bool:
        """May the op producing `out` write over `other` (whose view class must die there)?"""
        op = self.producer.get(out)
        if op is None:
            return False
        cls = self.members[self.views[other]]
        if any(self.lives[t][1] > op.index or t in self.model_outputs for t in cls):
            return False
        if op.kind in aliasing.ELEMENTWISE_OPS:
            return any(x in cls and self.offsets[x] == self.offsets[out]
                       for x in aliasing.elementwise_candidates(self.graph, op))
        shift = aliasing.streaming_max_shift(self.graph, op)
        if shift is None or op.inputs[0] not in cls:
            return False
        return self.offsets[out] - self.offsets[op.inputs[0]] <= shift


def offset_errors(problem, offsets) -> list[str]:
    """What is wrong with `offsets` for a bare placement problem (no graph): empty when valid."""
    errors = []
    reqs = problem.requests
    shifts = {(p.out, p.inp): p.max_shift for p in problem.permits}
    if len(offsets) != len(reqs):
        return [f"{len(offsets)} offsets for {len(reqs)} requests"]
    for i, (r, off) in enumerate(zip(reqs, offsets)):
        if off < 0 or off % problem.align:
            errors.append(f"request {i} at {off}: negative or not {problem.align}-aligned")
    for i, a in enumerate(reqs):
        for j in range(i + 1, len(reqs)):
            b = reqs[j]
            if a.first > b.last or b.first > a.last:
                continue
            oa, ob = offsets[i], offsets[j]
            if oa >= ob + b.size or ob >= oa + a.size:
                continue
            if (i, j) in shifts and oa - ob <= shifts[(i, j)]:
                continue
            if (j, i) in shifts and ob - oa <= shifts[(j, i)]:
                continue
            errors.append(f"requests {i} and {j} overlap at steps {max(a.first, b.first)}.."
                          f"{min(a.last, b.last)}: [{oa}, {oa + a.size}) and [{ob}, {ob + b.size})")
    return errors
