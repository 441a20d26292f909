"""`mcugen plan`: the static arena plan of a model, compared with TFLite Micro's own planning."""
from __future__ import annotations

from pathlib import Path

import click

from mcugen.report import human_bytes


@click.command("plan")
@click.argument("models", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the plans as JSON on stdout.")
@click.option("--concurrent", is_flag=True,
              help="Several models that may run at the same time: disjoint arena bytes instead of "
                   "one arena shared by models run one after another.")
@click.option("--name", "names", help="Several models: their C prefixes, comma-separated "
              "[default: the file names].")
@click.option("--plot", type=click.Path(dir_okay=False, path_type=Path),
              help="Draw the memory timeline to FILE (.svg, .png or .pdf).")
@click.option("--no-inplace", is_flag=True,
              help="Plot and list the plan without in-place reuse (every tensor its own bytes).")
@click.option("--tflm-offline", type=click.Path(dir_okay=False, path_type=Path),
              help="Write MODEL with a plan TFLite Micro can honour (no in-place, 16-byte rounding) "
                   "as OfflineMemoryAllocation metadata; TFLM then uses exactly that head.")
@click.option("--board", help="Take alignment and kernel scratch from this board (see `mcugen boards`).")
@click.option("--align", type=int, help="Alignment of every buffer in bytes, a power of two "
              "[default: the board's, else 16].")
@click.option("--algorithm", type=click.Choice(["greedy", "heuristic", "exact", "best"]),
              default="best", show_default=True, help="Placement algorithm.")
@click.option("--time-budget", type=float, default=2.0, show_default=True,
              help="Seconds the exact search may spend per plan.")
@click.option("--no-tflm", is_flag=True, help="Do not run TFLite Micro to measure its arena.")
@click.option("--scratch/--no-scratch", default=True, show_default=True,
              help="Plan the scratch buffers of mcugen's kernels too (--no-scratch: activations "
                   "only, like TFLite Micro's reference kernels, which ask for none here).")
@click.pass_obj
def command(state, models: tuple[Path, ...], as_json: bool, concurrent: bool, names: str | None,
            plot: Path | None, no_inplace: bool, tflm_offline: Path | None, board: str | None,
            align: int | None, algorithm: str, time_budget: float, no_tflm: bool, scratch: bool) -> None:
    """Plan the tensor arena of MODEL ahead of time and compare it with TFLite Micro.

    MODEL is an int8 .tflite (other formats are converted first, as `mcugen convert` does).
    Prints the arena bytes TFLite Micro's own planner needs (its "head", measured by running
    tflite-micro), mcugen's plan without and with in-place reuse, and the lower bound (the most
    bytes alive at any step). In-place reuse lets view ops share bytes, element-wise ops write
    over a dying input, and convolutions/pooling stream their output over their dying input.

    Several models (one firmware): each model's plan, the models one after another on one time
    axis (memory in use per step), and the one arena they share (the largest plan per RAM region)
    against separate arenas (the sum); --concurrent gives each its own bytes instead.

    \b
    Examples:
      mcugen plan kws.tflite
      mcugen plan vww.tflite --plot vww_arena.svg
      mcugen plan kws.tflite --json | jq .arena_bytes
      mcugen plan kws.tflite --no-scratch     # activations only, as TFLM's planner counts them
      mcugen plan kws.tflite --board netduinoplus2   # that board's alignment and DSP kernels' scratch
      mcugen plan kws.tflite --tflm-offline kws_planned.tflite   # TFLM then needs only this head
      mcugen plan kws.tflite ic.tflite --board mps2_an386 --plot both.svg   # two models, one arena
    """
    from mcugen import pipeline
    from mcugen.arena.lifetimes import tensor_lifetimes
    from mcugen.errors import ArenaError
    from mcugen.convert.api import stage_count
    from mcugen.fsutil import atomic_write, check_writable_file

    rep = state.reporter
    if plot is not None:  # a bad name or an unwritable place fails now, not after planning
        from mcugen.arena.plot import check_plot_path

        check_plot_path(plot)
    if len(models) > 1:
        if tflm_offline is not None:
            raise click.UsageError("--tflm-offline writes one model's plan; give one MODEL")
        from mcugen.codegen.models import parse_names

        return plan_several(rep, models, parse_names(names, [m.stem for m in models]), as_json, concurrent,
                            plot, not no_inplace, board, align, algorithm, time_budget, not no_tflm, scratch)
    model = models[0]
    if tflm_offline is not None:
        check_writable_file(tflm_offline)
    n_convert = stage_count(model)
    total = n_convert + 1 + (plot is not None) + (tflm_offline is not None)
    result = pipeline.plan_model(model, board, align, with_scratch=scratch, algorithm=algorithm,
                                 time_budget_s=time_budget, measure_tflm=not no_tflm, reporter=rep,
                                 steps=(1, total))
    for note in result.notes:
        rep.warn(note)
    graph, plans, head, align = result.graph, result.plans, result.tflm_head, result.align
    with_scratch, scratch = scratch, result.scratch
    if not no_inplace or False in plans:
        chosen = plans[not no_inplace]
    else:
        raise ArenaError("without in-place reuse the buffers do not fit the board's RAM regions",
                         hint="drop --no-inplace: the in-place plan fits")
    step = n_convert + 1
    rep.stage(step, total, "plan", f"arena {human_bytes(chosen.size)} ({chosen.algorithm}, "
              f"{'in-place' if chosen.inplace else 'no in-place'}), lower bound {human_bytes(chosen.lower_bound)}")
    step += 1
    if plot is not None:
        from mcugen.arena.plot import save_timeline

        title = (f"{graph.name}: {chosen.size} B arena, lower bound {chosen.lower_bound} B "
                 f"({'in-place' if chosen.inplace else 'no in-place'}, {chosen.algorithm})")
        save_timeline(graph, chosen, plot, title)
        rep.stage(step, total, "plot", str(plot))
        step += 1
    if tflm_offline is not None:
        data, offline = pipeline.offline_plan_model(graph, result.tflite, align, time_budget_s=time_budget,
                                                    algorithm=algorithm)
        atomic_write(tflm_offline, data)
        rep.stage(step, total, "offline", f"{tflm_offline}: TFLite Micro head {offline.size} B")

    lives = tensor_lifetimes(graph)
    if as_json:
        no, yes = plans.get(False), plans[True]
        rep.json({
            "model": str(model), "board": board, "align": align, "tflm_head_bytes": head,
            "kernel_scratch_bytes": sum(scratch.values()),
            "arena_bytes": yes.size, "lower_bound_bytes": yes.lower_bound, "gap_bytes": yes.gap,
            "optimal": yes.optimal, "algorithm": yes.algorithm,
            # null where, without in-place reuse, the buffers do not fit the board's RAM regions
            "arena_bytes_no_inplace": no and no.size, "lower_bound_bytes_no_inplace": no and no.lower_bound,
            "gap_bytes_no_inplace": no and no.gap, "optimal_no_inplace": no and no.optimal,
            "algorithm_no_inplace": no and no.algorithm,
            "inplace": chosen.inplace,
            "tensors": [{"id": tid, "name": graph.tensors[tid].name, "offset": off,
                         "size": graph.tensors[tid].nbytes, "first": lives[tid][0], "last": lives[tid][1],
                         **_region_fields(chosen, off)}
                        for tid, off in chosen.tensor_offsets.items()],
            "scratch": [{"op": op, "offset": off, "size": scratch[op], **_region_fields(chosen, off)}
                        for op, off in chosen.scratch_offsets.items()],
            "regions": [{"name": a.name, "section": a.section, "start": a.start, "bytes": a.size,
                         "capacity": a.capacity} for a in chosen.regions],
            "state_bytes": chosen.state_size, "state_region": chosen.state_region or None,
        })
        return
    show_plans(rep, result, with_scratch)


def _region_fields(plan, offset: int) -> dict:
    """A buffer's region and its offset there (offsets in JSON are the plan's virtual arena's)."""
    area = plan.area_of(offset)
    return {} if area is None else {"region": area.name, "region_offset": offset - area.start}


def show_plans(rep, result, with_scratch: bool = True) -> None:
    """The table of `pipeline.plan_model`'s figures: TFLite Micro's head, both mcugen plans."""
    rows = []
    if result.tflm_head is not None:
        rows.append(("TFLite Micro (greedy, head)", f"{result.tflm_head:,}", "", ""))
    for inplace, label in ((False, "mcugen, no in-place"), (True, "mcugen, in-place")):
        p = result.plans.get(inplace)
        if p is None:
            rows.append((label, "does not fit the RAM regions", "", ""))
            continue
        rows.append((label, f"{p.size:,}", f"{p.lower_bound:,}", "yes" if p.optimal else
                     f"no (gap {p.gap:,} B, {p.algorithm})"))
    what = "activations + kernel scratch" if with_scratch else "activations only"
    rep.table(f"Arena of {result.graph.name} (bytes, align {result.align}, {what})",
              ["plan", "arena", "lower bound", "proven optimal"], rows, right=("arena", "lower bound"))
    chosen = result.plans[True]
    if chosen.regions:
        rep.table("In-place plan per RAM region (fastest first)",
                  ["region", "section", "bytes", "of", "buffers", "accesses per byte"],
                  region_rows(result.graph, chosen, result.scratch),
                  right=("bytes", "of", "buffers", "accesses per byte"))


def region_rows(graph, plan, scratch) -> list[tuple[str, ...]]:
    """Per region area of `plan`: its bytes, capacity, buffers and their accesses per byte."""
    from mcugen.arena.lifetimes import build_problem
    from mcugen.arena.regions import accesses

    problem, _ = build_problem(graph, scratch, inplace=plan.inplace, align=plan.align)
    counts = dict(zip((r.key for r in problem.requests), accesses(graph, problem)))
    rows = []
    for area in plan.regions:
        inside = [b for b in plan.buffers if area.holds(b.offset)]
        per_byte = sum(counts.get(b.key, 0.0) for b in inside) / max(sum(b.size for b in inside), 1)
        state = f" + state {plan.state_size:,}" if plan.state_region == area.name and plan.state_size else ""
        rows.append((area.name, area.section or "(main RAM)", f"{area.size:,}{state}", f"{area.capacity:,}",
                     str(len(inside)), f"{per_byte:,.1f}"))
    return rows


def plan_several(rep, models, prefixes, as_json: bool, concurrent: bool, plot, inplace: bool, board, align,
                 algorithm: str, time_budget: float, measure_tflm: bool, with_scratch: bool) -> None:
    """`mcugen plan A B ...`: each model's plan, the sequence on one time axis, the shared arena."""
    from mcugen import pipeline
    from mcugen.arena.combined import timeline
    from mcugen.convert.api import stage_count

    loads = [stage_count(m) for m in models]
    total = sum(loads) + 1 + (plot is not None)
    firsts = [1 + sum(loads[:k]) for k in range(len(models))]
    result = pipeline.plan_models(models, board, align, with_scratch, algorithm, time_budget, measure_tflm,
                                  concurrent, inplace, rep, [(f, total) for f in firsts])
    for each in result.models:
        for note in each.notes:
            rep.warn(f"{each.graph.name}: {note}")
    combined, graphs = result.combined, [m.graph for m in result.models]
    how = "concurrent: disjoint" if concurrent else "shared by models run one after another"
    step = sum(loads) + 1
    separate = result.separate_size
    rep.stage(step, total, "plan", f"arena {human_bytes(combined.size)} ({how}); separate arenas "
              f"{human_bytes(separate)}")
    if plot is not None:
        from mcugen.arena.plot import render_sequence, save_figure

        title = (f"{', '.join(prefixes)}: {combined.size} B arena ({how}), separate {separate} B"
                 f" ({'in-place' if inplace else 'no in-place'})")
        save_figure(lambda: render_sequence(graphs, combined, prefixes, title, separate), plot)
        rep.stage(step + 1, total, "plot", str(plot))
    line = timeline(combined, [len(g.ops) for g in graphs])
    if as_json:
        rep.json(several_json(result, models, prefixes, board, line))
        return
    rows = []
    for k, (each, prefix) in enumerate(zip(result.models, prefixes)):
        plan = combined.plans[k]
        used = [n for m, _t, n in line if m == k]
        rows.append((prefix, f"{len(each.graph.ops)}", f"{int(plan.size):,}", f"{max(used, default=0):,}",
                     f"{int(plan.state_size):,}", "" if each.tflm_head is None else f"{each.tflm_head:,}"))
    how_rows = "one after another, shared" if not concurrent else "concurrent, disjoint"
    footer = (f"all ({how_rows})", f"{len(line)}", f"{combined.size:,}",
              f"{max((n for *_, n in line), default=0):,}", f"{combined.state_size:,}",
              "" if any(m.tflm_head is None for m in result.models)
              else f"{sum(m.tflm_head for m in result.models):,} (separate)")
    rep.table(f"Models in one firmware (bytes, {'in-place' if inplace else 'no in-place'})",
              ["model", "steps", "arena", "peak in use", "state", "TFLite Micro head"], rows, footer=footer,
              right=("steps", "arena", "peak in use", "state", "TFLite Micro head"))
    saving = separate - combined.size
    rep.table("Arena of the firmware", ["", "bytes"], [
        ("separate arenas (each model's plan alone, the sum)", f"{separate:,}"),
        ("shared arena" if not concurrent else "one arena, disjoint parts", f"{combined.size:,}"),
        ("saving", f"{saving:,} ({100 * saving / max(separate, 1):.1f}%)"),
    ], right=("bytes",))
    if concurrent and combined.regions:
        rep.info("note: concurrent models are planned over what the earlier ones left of each RAM region, "
                 "so their parts differ from their plans alone")
    if combined.regions:
        rep.table("Per RAM region (fastest first)", ["region", "section", "bytes", "of", "state",
                                                     *(f"{p}" for p in prefixes)],
                  [(a.name, a.section or "(main RAM)", f"{a.size:,}", f"{a.capacity:,}",
                    f"{combined.state_in(a.name):,}",
                    *(_part(plan, a.name, combined.bases[k]) for k, plan in enumerate(combined.plans)))
                   for a in combined.regions], right=("bytes", "of", "state", *prefixes))
    if len(line) <= 80:
        names = [f"{op.index} {op.kind.lower()}" for g in graphs for op in g.ops]
        rep.table("Memory over time (the models one after another)", ["step", "model", "op", "arena in use"],
                  [(str(i), prefixes[m], name, f"{n:,}") for i, ((m, _t, n), name) in enumerate(zip(line, names))],
                  right=("step", "arena in use"))


def _part(plan, region: str, bases) -> str:
    """A model's bytes in a region, and where they start in the shared array."""
    size = next((a.size for a in plan.regions if a.name == region), 0)
    return f"{size:,} @ {bases.get(region, 0):,}" if size else "-"


def several_json(result, models, prefixes, board, line) -> dict:
    """`mcugen plan A B --json`."""
    combined = result.combined
    return {
        "models": [{"model": str(path), "prefix": prefix, "sha256": each.graph.sha256,
                    "steps": len(each.graph.ops), "arena_bytes": int(plan.size),
                    "lower_bound_bytes": int(plan.lower_bound), "optimal": plan.optimal,
                    "state_bytes": int(plan.state_size), "state_region": plan.state_region or None,
                    "tflm_head_bytes": each.tflm_head,
                    "regions": [{"name": a.name, "bytes": a.size, "base": combined.base(k, a)} for a in plan.regions],
                    "base": None if plan.regions else combined.base(k, None)}
                   for k, (path, prefix, each, plan) in enumerate(zip(models, prefixes, result.models, combined.plans))],
        "board": board, "concurrent": combined.concurrent, "inplace": result.inplace,
        "arena_bytes": combined.size, "separate_arena_bytes": result.separate_size,
        "saving_bytes": result.separate_size - combined.size, "state_bytes": combined.state_size,
        "regions": [{"name": a.name, "section": a.section, "start": a.start, "bytes": a.size,
                     "capacity": a.capacity, "state_bytes": combined.state_in(a.name)} for a in combined.regions],
        "timeline": [{"step": i, "model": prefixes[m], "op": t, "arena_in_use_bytes": n}
                     for i, (m, t, n) in enumerate(line)],
    }
