"""The pipeline: model in, C out. Every caller (the CLI, the firmware projects, MicroPython,
the host oracle, the benchmarks) runs the stages through these functions, so the chain is
written once:

    load (convert) -> canonicalise -> lower (ops) -> specialise (kernel variant) -> plan (arena) -> generate (codegen)

    from mcugen import pipeline
    target = pipeline.Target.for_board("mps2_an386")      # kernel variant, arena alignment
    model = pipeline.load("kws.tflite")                   # ConvertResult: int8 tflite + IR graph
    library = pipeline.generate(model.graph, target)      # Library: calls, plan, sources
    library.sources.write("out/")                         # model.h, model.c, model_weights.c, kernels

Each function returns typed frozen data; no stage reaches into another's internals.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Mapping, Sequence

from mcugen.ir import Graph

if TYPE_CHECKING:  # the stages import heavy modules; callers pay only for what they use
    from mcugen.arena import ArenaPlan
    from mcugen.arena.combined import CombinedPlan
    from mcugen.arena.regions import RegionSpec
    from mcugen.arena.weights import WeightsInRam
    from mcugen.boards import Board
    from mcugen.codegen import Sources
    from mcugen.convert.api import ConvertResult
    from mcugen.ops.base import KernelCall
    from mcugen.report import Reporter

DEFAULT_ALIGN = 16


@dataclass(frozen=True)
class Target:
    """What the target decides for code generation: the kernel variant, the arena alignment and
    the RAM regions buffers may go to (fastest first; () = one arena). From a board file
    (`for_board`), or chosen by hand (`mcugen generate --kernels --align`)."""

    kernel_variant: str = "portable"
    arena_align: int = DEFAULT_ALIGN
    regions: tuple["RegionSpec", ...] = ()
    weights_in_ram: int = 0  # bytes of the hottest weights to copy into the fastest RAM (arena.weights)

    @classmethod
    def for_board(cls, board: "Board | str") -> "Target":
        if isinstance(board, str):
            from mcugen.boards import load_board

            board = load_board(board)
        return cls(board.kernel_variant, board.arena_align, region_specs(board))


def region_specs(board: "Board") -> tuple["RegionSpec", ...]:
    """The board's RAM regions as the planner takes them (none when its file lists none: then
    the arena is one buffer in the main RAM, as always)."""
    from mcugen.arena.regions import RegionSpec

    return tuple(RegionSpec(r.name, board.region_capacity(r), r.speed, r.section) for r in board.regions)


@dataclass(frozen=True)
class Library:
    """A model generated for a target: what each stage produced."""

    graph: Graph
    target: Target
    calls: tuple["KernelCall", ...]
    plan: "ArenaPlan"
    sources: "Sources"
    weights_in_ram: "WeightsInRam | None" = None  # the weights copied into RAM, if any were asked for


def load(model: str | Path, calibration: str | Path | None = None, validation: str | Path | None = None,
         reporter: "Reporter | None" = None, steps: tuple[int, int] = (1, 1),
         strict: bool = True) -> "ConvertResult":
    """Read or convert `model` (Keras, SavedModel or int8 .tflite) to int8 and its IR graph.
    A dynamic batch whose static shapes are not the batch-1 ones is fixed to 1, with a warning.
    `strict=False` accepts a readable model whose ops mcugen cannot generate (inspect, plan)."""
    from dataclasses import replace

    from mcugen.canonicalise.batch import fix_dynamic_batch
    from mcugen.convert.api import convert_model
    from mcugen.convert.tflite_reader import read_graph

    result = convert_model(model, calibration, validation, reporter=reporter, steps=steps, strict=strict)
    fixed, note = fix_dynamic_batch(result.tflite)  # the same bytes unless shapes had to be fixed
    if note is not None and reporter is not None:
        reporter.warn(note)
    if fixed is result.tflite:
        return result
    return replace(result, tflite=fixed, graph=read_graph(fixed, name=result.graph.name))


def lower(graph: Graph, kernel_variant: str = "portable", align: int = DEFAULT_ALIGN) -> tuple["KernelCall", ...]:
    """Lower every op to a kernel call (all float -> int math), then pick the variant's kernels
    (where a faster kernel needs more scratch, it asks the arena's per-step loads: `align` is the
    arena's). `graph` is canonicalised already (`canonical`, as `generate` does): the calls' op
    indices are its."""
    from mcugen.arena import step_loads
    from mcugen.ops import lower_graph
    from mcugen.ops.variants import specialise

    return tuple(specialise(graph, lower_graph(graph), kernel_variant,
                            step_loads=lambda scratch: step_loads(graph, scratch, align=align)))


def grow(graph: Graph, calls: Sequence["KernelCall"], arena_plan: "ArenaPlan") -> tuple["KernelCall", ...]:
    """`calls` with the scratch of kernels that run faster with more grown into the room the plan
    leaves free at their offsets (mcugen.ops.variants.GROWTH): the plan stays as it is (its offsets
    and size; verified again with the grown sizes)."""
    from mcugen.arena.grow import scratch_room
    from mcugen.arena.verify import verify_plan
    from mcugen.ops.variants import can_grow, grown_call

    grown = tuple((grown_call(c, scratch_room(graph, arena_plan, c.op_index)) if can_grow(c) else None) or c
                  for c in calls)
    if any(a is not b for a, b in zip(grown, calls)):  # the plan must hold the grown sizes too
        verify_plan(graph, arena_plan, scratch_of(grown))
    return grown


def scratch_of(calls: Sequence["KernelCall"]) -> dict[int, int]:
    """Kernel scratch bytes per op index: what the arena plans besides the tensors."""
    return {c.op_index: c.scratch_bytes for c in calls if c.scratch_bytes}


def plan(graph: Graph, calls: Sequence["KernelCall"], inplace: bool = True, align: int = DEFAULT_ALIGN,
         **options) -> "ArenaPlan":
    """The verified arena plan for `graph` lowered to `calls` (options: plan_arena's, e.g.
    `regions`)."""
    from mcugen.arena import plan_arena

    return plan_arena(graph, scratch_of(calls), inplace=inplace, align=align, **options)


def generate(graph: Graph, target: Target = Target(), inplace: bool = True, prefix: str = "model",
             arena_plan: "ArenaPlan | None" = None,
             before_generate: "Callable[[ArenaPlan], None] | None" = None) -> Library:
    """The whole chain after loading: canonicalise, lower, specialise, plan and generate C for
    `target` (Library.graph is the canonicalised graph the calls and the plan refer to).

    `arena_plan` replaces the planner's (tests, offline plans); `before_generate` sees the plan
    first and may raise (the firmware's fit check: a model too big stops before any C exists)."""
    from mcugen.codegen import check_prefix, generate_sources

    from dataclasses import replace

    from mcugen.arena.weights import choose

    check_prefix(prefix)
    graph = canonical(graph)
    calls = lower(graph, target.kernel_variant, target.arena_align)
    copies = choose(graph, calls, target.weights_in_ram, target.arena_align)
    regions = target.regions
    if copies.size and regions:  # the copies take their room in the fastest region first
        regions = (replace(regions[0], capacity=max(regions[0].capacity - copies.size, 0)), *regions[1:])
    chosen = (arena_plan if arena_plan is not None
              else plan(graph, calls, inplace, target.arena_align, regions=regions))
    calls = grow(graph, calls, chosen)
    if before_generate is not None:
        before_generate(chosen)
    section = regions[0].section if copies.size and regions else ""
    return Library(graph, target, calls, chosen,
                   generate_sources(graph, chosen, list(calls), prefix=prefix, weights_in_ram=copies,
                                    weights_section=section),
                   copies if target.weights_in_ram else None)


@dataclass(frozen=True)
class ModelSet:
    """Several models generated for one firmware (or one model, as `generate` makes it): each
    model's Library (its own plan, its own sources), the combined memory plan, and the one
    library of C sources holding them all (each kernel once)."""

    libraries: tuple[Library, ...]
    plan: "CombinedPlan"
    sources: "Sources"

    @property
    def concurrent(self) -> bool:
        return self.plan.concurrent


def generate_models(graphs: Sequence[Graph], target: Target = Target(), inplace: bool = True,
                    prefixes: Sequence[str] | None = None, concurrent: bool = False,
                    before_generate: "Callable[[CombinedPlan], None] | None" = None) -> ModelSet:
    """`generate` for several models in one firmware (mcugen.codegen.models): each planned on its
    own, then laid into one memory plan (mcugen.arena.combined): shared arrays for models run one
    after another, disjoint bytes for `concurrent` ones. One model gives exactly `generate`'s
    library (model.h, ...) with prefix `prefixes[0]` (default "model")."""
    from mcugen.arena.combined import combine, plan_concurrent

    if len(graphs) == 1:
        check = ((lambda p: before_generate(combine([p], regions=target.regions)))
                 if before_generate is not None else None)
        library = generate(graphs[0], target, inplace, prefixes[0] if prefixes else "model", before_generate=check)
        return ModelSet((library,), combine([library.plan], regions=target.regions), library.sources)
    from mcugen.codegen.models import check_prefixes, generate_models_sources

    prefixes = list(prefixes) if prefixes else [g.name for g in graphs]
    check_prefixes(prefixes)
    graphs = [canonical(g) for g in graphs]
    calls = [lower(g, target.kernel_variant, target.arena_align) for g in graphs]

    def plan_one(k: int, regions: tuple) -> "ArenaPlan":
        return plan(graphs[k], calls[k], inplace, target.arena_align, regions=regions)

    plans = (plan_concurrent(plan_one, len(graphs), target.regions, target.arena_align) if concurrent
             else [plan_one(k, target.regions) for k in range(len(graphs))])
    calls = [grow(g, c, p) for g, c, p in zip(graphs, calls, plans)]
    combined = combine(plans, concurrent, target.regions)
    if before_generate is not None:
        before_generate(combined)
    sources = generate_models_sources(graphs, combined, calls, prefixes)
    return ModelSet(tuple(Library(g, target, c, p, s) for g, c, p, s
                          in zip(graphs, calls, combined.plans, sources.models)), combined, sources)


def canonical(graph: Graph) -> Graph:
    """`graph` after the canonicalisation rewrites (mcugen.canonicalise), the form lowering takes."""
    from mcugen.canonicalise import canonicalise

    return canonicalise(graph)


def plans_both_ways(graph: Graph, scratch: Mapping[int, int], align: int, **options) -> dict[bool, "ArenaPlan"]:
    """{inplace: plan} with and without in-place reuse, for comparing them (mcugen plan). On a
    board with RAM regions the plan without in-place reuse may not fit where the in-place one does:
    then it is left out (the in-place plan's error, if it fails too, is the one raised)."""
    from mcugen.arena import plan_arena
    from mcugen.errors import ArenaError

    plans = {True: plan_arena(graph, scratch, inplace=True, align=align, **options)}
    try:
        plans[False] = plan_arena(graph, scratch, inplace=False, align=align, **options)
    except ArenaError:
        if not options.get("regions"):
            raise
    return dict(sorted(plans.items()))


def inspect_model(model: str | Path, calibration: str | Path | None = None,
                  reporter: "Reporter | None" = None, steps: tuple[int, int] = (1, 1),
                  raw: bool = False) -> dict:
    """What `mcugen inspect --json` prints: per op its shapes, MACs (stats.op_macs, the one
    count), weights, output bytes and whether mcugen supports it (and why not); totals. Any
    readable model is shown, also one mcugen cannot generate. The graph is the canonicalised
    one mcugen lowers, or with `raw` the one read from the file ("graph" says which)."""
    converted = load(model, calibration, reporter=reporter, steps=steps, strict=False)
    return inspect_data(converted.graph, str(model), raw)


def inspect_data(graph: Graph, model: str, raw: bool = False) -> dict:
    """inspect_model's figures for a graph already loaded (canonicalised first unless `raw`)."""
    from mcugen.ops import unsupported_reason
    from mcugen.stats import model_stats

    graph = graph if raw else canonical(graph)
    stats = model_stats(graph)
    ops = []
    for op, s in zip(graph.ops, stats.ops):
        reason = unsupported_reason(graph, op)
        ops.append({"index": s.index, "op": s.kind, "version": s.version,
                    "inputs": [list(x) for x in s.input_shapes], "outputs": [list(x) for x in s.output_shapes],
                    "macs": s.macs, "weight_bytes": s.weight_bytes, "output_bytes": s.output_bytes,
                    "supported": reason is None, "reason": reason})
    return {
        "model": model, "sha256": graph.sha256,
        "graph": "raw" if raw else "canonicalised",
        "inputs": _io(graph, graph.inputs), "outputs": _io(graph, graph.outputs), "ops": ops,
        "totals": {"ops": len(graph.ops), "op_counts": dict(stats.op_counts), "params": stats.params,
                   "macs": stats.macs, "weight_bytes": stats.weight_bytes,
                   "largest_activation_bytes": stats.largest_activation_bytes},
    }


def _io(graph: Graph, ids: tuple[int, ...]) -> list[dict]:
    return [{"name": t.name, "shape": list(t.shape), "dtype": t.dtype,
             "scale": t.quant.scale if t.quant else None,
             "zero_point": t.quant.zero_point if t.quant else None}
            for t in (graph.tensors[tid] for tid in ids)]


@dataclass(frozen=True)
class ModelPlans:
    """`mcugen plan`'s figures: both arena plans of a model, and TFLite Micro's own head."""

    graph: Graph
    tflite: bytes
    align: int
    scratch: Mapping[int, int]  # kernel scratch per op index ({} with no scratch planned)
    plans: Mapping[bool, "ArenaPlan"]  # inplace -> plan
    tflm_head: int | None  # TFLite Micro's arena head (None: not measured, or TFLM refused)
    notes: tuple[str, ...] = ()  # why a figure is missing or partial


def plan_model(model: str | Path, board: str | None = None, align: int | None = None,
               with_scratch: bool = True, algorithm: str = "best", time_budget_s: float = 2.0,
               measure_tflm: bool = True, reporter: "Reporter | None" = None,
               steps: tuple[int, int] = (1, 1)) -> ModelPlans:
    """Load `model`, plan its arena with and without in-place reuse (the board's alignment,
    kernel scratch and RAM regions when given), and measure TFLite Micro's head on the same model."""
    from mcugen.errors import UnsupportedOp

    target = Target.for_board(board) if board else Target()
    align = target.arena_align if align is None else align
    converted = load(model, reporter=reporter, steps=steps)
    graph, notes = canonical(converted.graph), []
    scratch: dict[int, int] = {}
    if with_scratch:
        try:
            scratch = scratch_of(lower(graph, target.kernel_variant, align))
        except UnsupportedOp as exc:
            notes.append(f"kernel scratch not planned ({len(exc.problems)} op(s) without an mcugen "
                         "kernel yet); figures cover activations only")
    plans = plans_both_ways(graph, scratch, align, time_budget_s=time_budget_s, algorithm=algorithm,
                            regions=target.regions)
    head = None
    if measure_tflm:
        head, why = tflm_head(converted.tflite)
        if why:
            notes.append(f"could not measure TFLite Micro's arena: {why}")
    return ModelPlans(graph, converted.tflite, align, scratch, plans, head, tuple(notes))


@dataclass(frozen=True)
class ModelSetPlans:
    """`mcugen plan A B`'s figures: each model's ModelPlans, and the memory plan of all of them in
    one firmware (their in-place or, `inplace` False, separate plans combined: shared by models
    run one after another, disjoint for concurrent ones)."""

    models: tuple[ModelPlans, ...]
    combined: "CombinedPlan"
    inplace: bool = True

    @property
    def separate_size(self) -> int:
        """The models' arenas each planned alone, each its own (the sum)."""
        return sum(int(m.plans[self.inplace].size) for m in self.models)


def plan_models(models: Sequence[str | Path], board: str | None = None, align: int | None = None,
                with_scratch: bool = True, algorithm: str = "best", time_budget_s: float = 2.0,
                measure_tflm: bool = True, concurrent: bool = False, inplace: bool = True,
                reporter: "Reporter | None" = None, steps: Sequence[tuple[int, int]] = ()) -> ModelSetPlans:
    """`plan_model` for each model, then their plans combined into one firmware's memory plan
    (mcugen.arena.combined); concurrent models over a board's RAM regions are planned again, each
    over what the earlier ones left. `steps`: the load stage's (first, total) per model."""
    from mcugen.arena import plan_arena
    from mcugen.arena.combined import combine, plan_concurrent

    each = tuple(plan_model(m, board, align, with_scratch, algorithm, time_budget_s, measure_tflm, reporter,
                            steps[k] if steps else (1, 1)) for k, m in enumerate(models))
    target = Target.for_board(board) if board else Target()
    unfit = [p.graph.name for p in each if inplace not in p.plans]
    if unfit:
        from mcugen.errors import ArenaError

        raise ArenaError(f"without in-place reuse {', '.join(unfit)} does not fit the board's RAM regions",
                         hint="drop --no-inplace: the in-place plans fit")
    chosen = [p.plans[inplace] for p in each]
    if concurrent and target.regions:
        chosen = plan_concurrent(lambda k, regions: plan_arena(each[k].graph, each[k].scratch, inplace=inplace,
                                                               align=each[k].align, time_budget_s=time_budget_s,
                                                               algorithm=algorithm, regions=regions),
                                 len(each), target.regions, each[0].align)
    return ModelSetPlans(each, combine(chosen, concurrent, target.regions), inplace)


def tflm_head(tflite: bytes) -> tuple[int | None, str]:
    """TFLite Micro's arena head for `tflite` (run by tflite-micro), or None and why not."""
    import tempfile

    from mcugen.oracle import tflm_arena_usage

    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "model.tflite"
            path.write_bytes(tflite)
            return tflm_arena_usage(str(path)).head, ""
    except Exception as exc:  # noqa: BLE001 - TFLM may refuse a model mcugen plans fine
        return None, (str(exc).splitlines() or [type(exc).__name__])[0]


def offline_plan_model(graph: Graph, tflite: bytes, align: int, **options) -> tuple[bytes, "ArenaPlan"]:
    """`tflite` with a plan TFLite Micro can honour (no in-place, its 16-byte rounding) as
    OfflineMemoryAllocation metadata, and that plan. TFLite Micro runs the file's own ops: the plan
    is of `tflite` as read (a canonicalised `graph` may have other ops and tensors)."""
    from mcugen.arena import plan_arena
    from mcugen.arena.tflm_offline import with_offline_plan
    from mcugen.convert.tflite_reader import read_graph

    graph = read_graph(tflite, name=graph.name)
    offline = plan_arena(graph, None, inplace=False, align=max(16, align), **options)
    return with_offline_plan(tflite, offline), offline
