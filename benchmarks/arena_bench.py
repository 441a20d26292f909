"""Planner benchmark: plan time and arena bytes per algorithm, on synthetic branchy graphs and on
the real models in ../shared/models (with TFLite Micro's own head for comparison).

    .venv/bin/python benchmarks/arena_bench.py [--ops 2000] [--seed 1] [--budget 1.0] [--no-models]
                                               [--hard 20]

Synthetic graphs: `--ops` ops (each op adds one activation tensor, so ~2,000 tensors by default),
convolutions, pooling, element-wise ops, views and skip connections reaching up to 32 tensors back
(`mcugen.arena.synthetic.random_graph`). Times are wall-clock seconds of `plan_arena` (lifetimes,
placement and the verifier) on this machine, minimum of `--repeat` runs. Then a summary over
`--hard` harder graphs (300 ops, longer skip connections) where heuristics often miss the bound.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from mcugen.arena import plan_arena, placement  # noqa: E402
from mcugen.arena.lifetimes import build_problem  # noqa: E402
from mcugen.arena.problem import arena_size, lower_bound  # noqa: E402
from mcugen.arena.synthetic import random_graph  # noqa: E402
from mcugen.report import Reporter  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from shared_models import INT8_MODELS, MODELS  # noqa: E402


def _timed(fn, repeat: int):
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def synthetic(rep: Reporter, ops: int, seed: int, budget: float, repeat: int, branch: float) -> None:
    graph = random_graph(random.Random(seed), ops, branch=branch)
    rows = []
    for inplace in (False, True):
        problem, _ = build_problem(graph, inplace=inplace)
        near = placement.neighbours(problem)
        bound = lower_bound(problem)
        for name in (*placement.ORDERS, "best_fit"):
            if name == "best_fit":
                secs, offsets = _timed(lambda: placement.place_lowest_first(problem, near), repeat)
            else:
                secs, offsets = _timed(lambda: placement.place_ordered(problem, name, near), repeat)
            rows.append((inplace, f"placement only: {name}", secs, arena_size(problem, offsets), bound, ""))
        for algorithm in ("greedy", "heuristic", "best"):
            secs, plan = _timed(lambda: plan_arena(graph, inplace=inplace, algorithm=algorithm,
                                                   time_budget_s=budget), repeat)
            rows.append((inplace, f"plan_arena {algorithm}", secs, plan.size, plan.lower_bound,
                         f"{plan.algorithm}{', optimal' if plan.optimal else ''}"))
    rep.table(f"Synthetic graph: {ops} ops, {len(graph.activation_ids)} activation tensors, "
              f"seed {seed}, branch {branch}",
              ["in-place", "what", "seconds", "arena B", "lower bound B", "found by"],
              [("yes" if r[0] else "no", r[1], f"{r[2]:.3f}", f"{r[3]:,}", f"{r[4]:,}", r[5]) for r in rows],
              right=("seconds", "arena B", "lower bound B"))


def many(rep: Reporter, count: int, ops: int, budget: float) -> None:
    """Summary over `count` harder graphs (more, longer skip connections): how often each
    algorithm reaches the lower bound, its mean gap above it, and its mean time."""
    rows = []
    for algorithm in ("greedy", "heuristic", "exact", "best"):
        at_bound, proven, gaps, secs = 0, 0, [], []
        for seed in range(count):
            graph = random_graph(random.Random(seed), ops, branch=0.5, reach=64)
            start = time.perf_counter()
            plan = plan_arena(graph, inplace=False, algorithm=algorithm, time_budget_s=budget)
            secs.append(time.perf_counter() - start)
            at_bound += plan.size == plan.lower_bound
            proven += plan.optimal
            gaps.append(100.0 * (plan.size - plan.lower_bound) / plan.lower_bound)
        rows.append((algorithm, f"{at_bound}/{count}", f"{proven}/{count}", f"{sum(gaps) / count:.2f} %",
                     f"{max(gaps):.2f} %", f"{sum(secs) / count:.3f}"))
    rep.table(f"{count} graphs of {ops} ops with long skip connections (branch 0.5, reach 64), no in-place, "
              f"budget {budget} s", ["algorithm", "at lower bound", "proven optimal", "mean gap", "worst gap", "mean s"],
              rows, right=("at lower bound", "proven optimal", "mean gap", "worst gap", "mean s"))


def models(rep: Reporter, budget: float) -> None:
    from mcugen.convert.tflite_reader import read_graph
    from mcugen.oracle import tflm_arena_usage

    rows = []
    for name, rel in INT8_MODELS.items():
        path = MODELS / rel
        graph = read_graph(path.read_bytes(), name=name)
        head = tflm_arena_usage(str(path)).head
        start = time.perf_counter()
        no = plan_arena(graph, inplace=False, time_budget_s=budget)
        yes = plan_arena(graph, inplace=True, time_budget_s=budget)
        secs = time.perf_counter() - start
        rows.append((name, f"{head:,}", f"{no.size:,}", f"{no.lower_bound:,}", "yes" if no.optimal else "no",
                     f"{yes.size:,}", f"{yes.lower_bound:,}", "yes" if yes.optimal else "no", f"{secs:.2f}"))
    rep.table("Real models, activations only (TFLite Micro's reference kernels ask for no scratch here)",
              ["model", "TFLM head", "no in-place", "lower bound", "optimal", "in-place",
               "in-place bound", "optimal", "plan s"], rows,
              right=("TFLM head", "no in-place", "lower bound", "in-place", "in-place bound", "plan s"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ops", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--branch", type=float, default=0.2, help="probability of a skip connection")
    ap.add_argument("--budget", type=float, default=1.0, help="exact-search seconds per plan")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-models", action="store_true", help="skip the real models")
    ap.add_argument("--hard", type=int, default=20, help="how many harder 300-op graphs to summarise")
    args = ap.parse_args(argv)
    rep = Reporter()
    synthetic(rep, args.ops, args.seed, args.budget, args.repeat, args.branch)
    if args.hard:
        many(rep, args.hard, 300, args.budget)
    if not args.no_models:
        models(rep, args.budget)
    return 0


if __name__ == "__main__":
    sys.exit(main())
