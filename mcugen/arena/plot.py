"""The memory timeline: every buffer a rectangle over the steps it lives (x) and its bytes (y)."""
from __future__ import annotations

import io
from pathlib import Path

from mcugen import ir
from mcugen.errors import McugenError
from mcugen.fsutil import atomic_write, check_writable_file

FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}


def buffer_label(graph: ir.Graph, buf) -> str:
    if buf.op is not None:
        return f"scratch {graph.ops[buf.op].kind.lower()} #{buf.op}"
    t = graph.tensors[buf.tensors[0]]
    dims = "x".join(str(d) for d in (t.shape[1:] if len(t.shape) > 1 else t.shape))
    extra = f" (+{len(buf.tensors) - 1} view/in-place)" if len(buf.tensors) > 1 else ""
    return f"t{t.id} {dims}{extra}"


def render_timeline(graph: ir.Graph, plan, title: str) -> "object":
    """A matplotlib Figure of `plan` (imported lazily: matplotlib is slow to load)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    steps = max(len(graph.ops), 1)
    fig = Figure(figsize=(max(6.0, min(24.0, 0.35 * steps + 3)), 6.0), layout="constrained")
    ax = fig.add_subplot()
    colours = matplotlib.colormaps["tab20"]
    for i, buf in enumerate(sorted(plan.buffers, key=lambda b: (b.first, b.offset))):
        scratch = buf.op is not None
        rect = Rectangle((buf.first - 0.45, buf.offset), buf.last - buf.first + 0.9, buf.size,
                         facecolor="lightgrey" if scratch else colours(i % 20), alpha=0.75,
                         edgecolor="black", linewidth=0.6, hatch="//" if scratch else None)
        ax.add_patch(rect)
        share = buf.size / max(plan.size, 1)
        if share >= 0.25:  # tall: label along the rectangle, so neighbours' labels don't collide
            ax.text((buf.first + buf.last) / 2, buf.offset + buf.size / 2, buffer_label(graph, buf),
                    fontsize=7, va="center", ha="center", rotation=90, clip_on=True)
        elif share >= 0.04:
            ax.text(buf.first - 0.4, buf.offset + buf.size / 2, buffer_label(graph, buf),
                    fontsize=7, va="center", ha="left", clip_on=True)
    for k, area in enumerate(plan.regions):  # one band per RAM region, its name at the left
        ax.axhspan(area.start, area.start + area.size, color="tab:blue" if k % 2 else "tab:orange",
                   alpha=0.08, zorder=0)
        ax.text(steps - 0.45, area.start + area.size / 2, f"{area.name} {area.size} B", fontsize=8,
                va="center", ha="right", color="dimgrey")
        if area.start:
            ax.axhline(area.start, color="dimgrey", linestyle=":", linewidth=1)
    ax.axhline(plan.size, color="red", linewidth=1, label=f"arena {plan.size} B")
    ax.axhline(plan.lower_bound, color="green", linestyle="--", linewidth=1,
               label=f"lower bound {plan.lower_bound} B")
    ax.set_xlim(-0.6, steps - 0.4)
    ax.set_ylim(0, max(plan.size, 1) * 1.05)
    ax.set_xticks(range(steps))
    ax.set_xticklabels([f"{op.index} {op.kind.lower()}" for op in graph.ops] or ["0"],
                       rotation=70, fontsize=7)
    ax.set_xlabel("step (op)")
    ax.set_ylabel("arena offset (bytes)" if not plan.regions else "offset (bytes; RAM regions one after another)")
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper right", fontsize=8)
    return fig


def render_sequence(graphs, combined, names, title: str, separate: int | None = None) -> "object":
    """Several models' plans in one firmware (mcugen.arena.combined): the models one after
    another on the time axis, each buffer where it lies in the shared arrays (RAM regions one
    after another), each model its own colours; the shared arena and separate arenas as lines."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure
    from matplotlib.patches import Rectangle

    starts, total = [], 0
    for graph in graphs:
        starts.append(total)
        total += max(len(graph.ops), 1)
    shared = {a.name: a for a in combined.regions}
    fig = Figure(figsize=(max(7.0, min(28.0, 0.3 * total + 3)), 6.0), layout="constrained")
    ax = fig.add_subplot()
    maps = ["Blues", "Oranges", "Greens", "Purples", "Reds", "Greys"]
    for k, (graph, plan, start, name) in enumerate(zip(graphs, combined.plans, starts, names)):
        colours = matplotlib.colormaps[maps[k % len(maps)]]
        for i, buf in enumerate(sorted(plan.buffers, key=lambda b: (b.first, b.offset))):
            area = plan.area_of(buf.offset)
            where = shared[area.name].start if area is not None else 0
            y = where + combined.base(k, area) + buf.offset - (area.start if area is not None else 0)
            scratch = buf.op is not None
            ax.add_patch(Rectangle((start + buf.first - 0.45, y), buf.last - buf.first + 0.9, buf.size,
                                   facecolor="lightgrey" if scratch else colours(0.35 + 0.5 * (i % 5) / 4),
                                   alpha=0.8, edgecolor="black", linewidth=0.5, hatch="//" if scratch else None))
        if k:
            ax.axvline(start - 0.5, color="black", linestyle="--", linewidth=1)
        ax.text(start + len(graph.ops) / 2 - 0.5, combined.size * 1.02, f"{name}: {int(plan.size)} B",
                fontsize=8, ha="center", va="bottom")
    for k, area in enumerate(combined.regions):
        ax.axhspan(area.start, area.start + area.size, color="tab:blue" if k % 2 else "tab:orange",
                   alpha=0.06, zorder=0)
        ax.text(total - 0.45, area.start + area.size / 2, f"{area.name} {area.size} B", fontsize=8,
                va="center", ha="right", color="dimgrey")
    how = "concurrent: disjoint" if combined.concurrent else "shared"
    ax.axhline(combined.size, color="red", linewidth=1, label=f"arena {combined.size} B ({how})")
    separate = combined.separate_size if separate is None else separate
    ax.axhline(separate, color="grey", linestyle=":", linewidth=1, label=f"separate arenas {separate} B")
    ax.set_xlim(-0.6, total - 0.4)
    ax.set_ylim(0, max(combined.size, separate, 1) * 1.1)
    ax.set_xticks(range(total))
    ax.set_xticklabels([f"{op.index} {op.kind.lower()}" for g in graphs for op in g.ops] or ["0"],
                       rotation=70, fontsize=6)
    ax.set_xlabel("step (the models one after another)")
    ax.set_ylabel("offset in the shared arena (bytes" + ("; RAM regions one after another)" if combined.regions else ")"))
    ax.set_title(title, fontsize=10)
    ax.legend(loc="upper left", fontsize=8)
    return fig


def check_plot_path(path: str | Path) -> str:
    """The plot format for `path`, checked before any work (a known suffix, a writable place)."""
    path = Path(path)
    fmt = FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise McugenError(f"cannot draw a plot as {path.suffix or 'a file without suffix'}",
                          hint="name the plot file .svg, .png or .pdf")
    check_writable_file(path)
    return fmt


def save_timeline(graph: ir.Graph, plan, path: str | Path, title: str) -> None:
    """Draw the timeline to `path` (.svg, .png or .pdf, chosen by suffix), atomically."""
    save_figure(lambda: render_timeline(graph, plan, title), path)


def save_figure(render, path: str | Path) -> None:
    """`render()`'s figure to `path` (.svg, .png or .pdf, chosen by suffix), atomically."""
    fmt = check_plot_path(path)
    import matplotlib

    out = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none"}):  # keep SVG labels as searchable text
        render().savefig(out, format=fmt, dpi=150)
    atomic_write(path, out.getvalue())
