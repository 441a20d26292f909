"""`mcugen plan`: the static arena plan of a model, compared with TFLite Micro's own planning."""
from __future__ import annotations

from pathlib import Path

import click

from mcugen.report import human_bytes


@click.command("plan")
@click.argument("model", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the plans as JSON on stdout.")
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
def command(state, model: Path, as_json: bool, plot: Path | None, no_inplace: bool,
            tflm_offline: Path | None, board: str | None, align: int | None, algorithm: str,
            time_budget: float, no_tflm: bool, scratch: bool) -> None:
    """Plan the tensor arena of MODEL ahead of time and compare it with TFLite Micro.

    MODEL is an int8 .tflite (other formats are converted first, as `mcugen convert` does).
    Prints the arena bytes TFLite Micro's own planner needs (its "head", measured by running
    tflite-micro), mcugen's plan without and with in-place reuse, and the lower bound (the most
    bytes alive at any step). In-place reuse lets view ops share bytes, element-wise ops write
    over a dying input, and convolutions/pooling stream their output over their dying input.

    \b
    Examples:
      mcugen plan kws.tflite
      mcugen plan vww.tflite --plot vww_arena.svg
      mcugen plan kws.tflite --json | jq .arena_bytes
      mcugen plan kws.tflite --no-scratch     # activations only, as TFLM's planner counts them
      mcugen plan kws.tflite --board netduinoplus2   # that board's alignment and DSP kernels' scratch
      mcugen plan kws.tflite --tflm-offline kws_planned.tflite   # TFLM then needs only this head
    """
    from mcugen import pipeline
    from mcugen.arena.lifetimes import tensor_lifetimes
    from mcugen.convert.api import stage_count
    from mcugen.fsutil import atomic_write, check_writable_file

    rep = state.reporter
    if plot is not None:  # a bad name or an unwritable place fails now, not after planning
        from mcugen.arena.plot import check_plot_path

        check_plot_path(plot)
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
    chosen = plans[not no_inplace]
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
        no, yes = plans[False], plans[True]
        rep.json({
            "model": str(model), "board": board, "align": align, "tflm_head_bytes": head,
            "kernel_scratch_bytes": sum(scratch.values()),
            "arena_bytes": yes.size, "lower_bound_bytes": yes.lower_bound, "gap_bytes": yes.gap,
            "optimal": yes.optimal, "algorithm": yes.algorithm,
            "arena_bytes_no_inplace": no.size, "lower_bound_bytes_no_inplace": no.lower_bound,
            "gap_bytes_no_inplace": no.gap, "optimal_no_inplace": no.optimal,
            "algorithm_no_inplace": no.algorithm,
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
        p = result.plans[inplace]
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
