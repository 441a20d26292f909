"""Bench report files: a per-layer chart (matplotlib) inside an HTML page or beside a Markdown file.

`write_report(result, "out.html")` embeds the chart as inline SVG (one self-contained file);
`write_report(result, "out.md")` writes `out_layers.png` beside it and links it.
"""
from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Sequence

from mcugen.bench.session import BenchResult
from mcugen.bench.timing import core_label
from mcugen.errors import McugenError
from mcugen.fsutil import atomic_write, check_writable_file
from mcugen.report import human_bytes


def fmt_count(x: float) -> str:
    return f"{x:,.0f}"


def summary_rows(result: BenchResult) -> list[tuple[str, str]]:
    """(what, value) lines shared by the terminal table and the report files."""
    lat = result.latency
    unit = result.unit
    rows = [
        ("board", result.board + (" (emulated: counts are instructions, not time)" if result.emulated else "")),
        ("model", f"{result.model} (sha256 {result.model_sha256[:16]}...)"),
        *([("firmware", f"model {result.model_index} of {len(result.firmware_models)} "
                        f"({', '.join(result.firmware_models)}), "
                        + ("run concurrently: each its own arena bytes" if result.concurrent
                           else "run one after another: one shared arena"))]
          if len(result.firmware_models) > 1 else []),
        ("inferences", str(result.n)),
        ("outputs vs tflite-micro", "all bit-exact" if result.outputs_match
         else f"{result.mismatch_count} output(s) differ"),
        (f"latency median ({unit})", fmt_count(lat.median)),
        (f"latency p90 / min / max ({unit})",
         f"{fmt_count(lat.p90)} / {fmt_count(lat.min)} / {fmt_count(lat.max)}"),
    ]
    us = result.latency_us
    if us is not None:
        rows.append((f"latency median (us at {result.counter_hz / 1e6:g} MHz)", f"{us.median:,.1f}"))
        rows.append(("latency p90 / min / max (us)", f"{us.p90:,.1f} / {us.min:,.1f} / {us.max:,.1f}"))
    if result.resolution > 1:
        rows.append(("counter resolution", f"{result.resolution:g} {unit} (the board's timer)"))
    if result.macs:
        rows.append(("MACs per inference", f"{result.macs:,}"))
        rows.append((f"{result.unit} per MAC", f"{lat.median / result.macs:.2f}"))
    ratio = result.layers_total_ratio()
    if ratio is not None and result.layer_names:
        rows.append(("layers sum / total", f"{ratio:.1%}"))
    if result.estimate is not None:
        rows += estimate_rows(result)
    rows += [
        ("arena" + (" (all models)" if len(result.firmware_models) > 1 else ""),
         human_bytes(result.arena_bytes) + f" ({result.arena_bytes} B)"),
        ("peak stack", f"{result.stack_peak_bytes} B" if result.stack_peak_bytes else "not measured"),
        ("RAM (arena + peak stack)", human_bytes(result.arena_bytes + result.stack_peak_bytes)),
        *([("RAM per region (arena + state)", ", ".join(f"{name} {human_bytes(n)}" for name, n in result.ram_regions))]
          if result.ram_regions else []),
        ("flash (whole firmware)", f"{human_bytes(result.flash_bytes)} ({result.flash_bytes} B)"
         if result.flash_bytes is not None else "unknown (no ELF)"),
    ]
    return rows


def estimate_rows(result: BenchResult) -> list[tuple[str, str]]:
    """The cycle estimate's summary lines, every one labelled an estimate."""
    est = result.estimate
    median = est.median
    core = core_label(est.core)
    instructions = est.median_of("instructions")
    worst = est.median_of("core_cycles") + est.median_of("taken_branches") * est.flash.worst_case_penalty
    classes = est.classes(est.inferences)
    mix = ", ".join(f"{name} {count / instructions:.1%}" for name, count in
                    sorted(classes.items(), key=lambda kv: -kv[1]) if count / instructions >= 0.0005)
    rows = [
        (f"ESTIMATED {core} cycles (estimate, not measured)",
         f"{median:,.0f} (min {min(t.cycles for t in est.inferences):,.0f}, "
         f"max {max(t.cycles for t in est.inferences):,.0f})"),
        (f"ESTIMATED time at {est.clock_hz / 1e6:g} MHz (estimate)", f"{est.ms(median):,.3f} ms"),
        ("estimate: cycles per instruction", f"{median / instructions:.2f}" if instructions else "-"),
    ]
    if result.macs:
        rows.append(("estimate: cycles per MAC", f"{median / result.macs:.2f}"))
    rows += [
        ("estimate: how", f"QEMU trace x ELF disassembly, {core} "
                          f"{'approximate table (dual issue)' if est.approximate else 'TRM timings'}"),
        ("estimate: flash", est.flash.model),
    ]
    if est.flash.wait_states:
        rows.append(("estimate if every taken branch missed", f"{worst:,.0f} cycles"))
    rows.append(("executed instructions by class", mix))
    return rows


def layer_title(result: BenchResult) -> str:
    estimated = "; est. = ESTIMATED cycles, not measured" if result.estimate is not None else ""
    return f"Per layer ({result.unit}, median{estimated})"


def layer_columns(result: BenchResult) -> tuple[str, ...]:
    columns = ("#", "op", "median", "share", "MACs", result.per_mac_unit)
    if result.estimate is not None and result.estimate.layer_medians():
        columns += ("est. cycles", "est. cycles/MAC")
    return columns


def layer_rows(result: BenchResult) -> list[tuple[str, ...]]:
    """One row per layer: index, op, median count, share of the total, MACs, count per MAC
    ("-" where a layer multiplies nothing or the MACs are unknown); with a cycle estimate, the
    layer's estimated cycles and estimated cycles per MAC."""
    total = result.latency.median or 1
    macs = result.layer_macs or (0,) * len(result.layer_names)
    rows = [(str(i), name, fmt_count(m), f"{m / total:.1%}", fmt_count(n) if n else "-",
             f"{per:.2f}" if per is not None else "-")
            for i, (name, m, n, per) in enumerate(zip(result.layer_names, result.layer_medians(), macs,
                                                      result.layer_per_mac()))]
    estimated = result.estimate.layer_medians() if result.estimate is not None else []
    if estimated:
        rows = [row + (fmt_count(c), f"{c / n:.2f}" if n else "-")
                for row, c, n in zip(rows, estimated, macs)]
    return rows


def layer_chart(result: BenchResult, fmt: str) -> bytes:
    """Horizontal bars, one per layer (median count), slowest visible at a glance."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    medians = result.layer_medians()
    labels = [f"{i} {name}" for i, name in enumerate(result.layer_names)]
    height = max(2.5, 0.28 * len(labels) + 1.2)
    fig, ax = plt.subplots(figsize=(8, height))
    try:
        ax.barh(range(len(labels)), medians, color="#3b6ea8")
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        ax.invert_yaxis()
        ax.set_xlabel(f"{result.unit} per layer (median of {result.n})")
        ax.set_title(f"{result.model} on {result.board}")
        ax.grid(axis="x", alpha=0.3)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=110, metadata={"Date": None} if fmt == "svg" else None)
        return buf.getvalue()
    finally:
        plt.close(fig)


REPORT_FORMATS = (".html", ".md")


def check_report_path(path: str | Path) -> None:
    """Before the bench runs: a known format, in a place that can be written."""
    path = Path(path)
    if path.suffix not in REPORT_FORMATS:
        raise McugenError(f"unknown report format {path.suffix or '(none)'!r} for {path}",
                          hint="name the report file .html or .md")
    check_writable_file(path)


def write_report(results: "BenchResult | Sequence[BenchResult]", path: str | Path) -> list[Path]:
    """Write the report of one model's bench, or of several models of one firmware (a section
    each); returns the files written (all of them, or none on an error)."""
    path = Path(path)
    check_report_path(path)
    each = [results] if isinstance(results, BenchResult) else list(results)
    if path.suffix == ".html":
        atomic_write(path, _html(each))
        return [path]
    pngs = [path.with_name(f"{path.stem}_layers.png" if len(each) == 1
                           else f"{path.stem}_{r.firmware_models[r.model_index]}_layers.png") for r in each]
    written: list[Path] = []
    try:
        for png, result in zip(pngs, each):
            atomic_write(png, layer_chart(result, "png"))
            written.append(png)
        atomic_write(path, _markdown(each, [p.name for p in pngs]))
    except BaseException:
        for png in written:
            png.unlink(missing_ok=True)  # no chart without its report
        raise
    return [path, *pngs]


def _title(each: Sequence[BenchResult]) -> str:
    return f"{', '.join(r.model for r in each)} on {each[0].board}"


def _markdown(each: Sequence[BenchResult], png_names: Sequence[str]) -> str:
    lines = [f"# mcugen bench: {_title(each)}"]
    deeper = "#" if len(each) > 1 else ""
    for result, png_name in zip(each, png_names):
        if len(each) > 1:
            lines += ["", f"## {result.model}"]
        lines += ["", "| | |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in summary_rows(result)]
        columns = layer_columns(result)
        lines += ["", f"{deeper}## {layer_title(result)}", "", f"![per-layer profile]({png_name})", "",
                  "| " + " | ".join(columns) + " |", "|---:|---|" + "---:|" * (len(columns) - 2)]
        lines += ["| " + " | ".join(row) + " |" for row in layer_rows(result)]
    return "\n".join(lines) + "\n"


def _html_section(result: BenchResult, level: int) -> str:
    esc = html.escape
    summary = "".join(f"<tr><th>{esc(k)}</th><td>{esc(v)}</td></tr>" for k, v in summary_rows(result))
    head = "".join(f"<th>{esc(c)}</th>" for c in layer_columns(result))
    layers = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>"
                     for row in layer_rows(result))
    svg = layer_chart(result, "svg").decode("utf-8")
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and doctype: inline SVG in HTML
    return f"""<table>{summary}</table>
<h{level}>{esc(layer_title(result))}</h{level}>
{svg}
<table><tr>{head}</tr>{layers}</table>
"""


def _html(each: Sequence[BenchResult]) -> str:
    esc = html.escape
    if len(each) == 1:
        body = _html_section(each[0], 2)
    else:
        body = "".join(f"<h2>{esc(r.model)}</h2>\n" + _html_section(r, 3) for r in each)
    return f"""<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>mcugen bench: {esc(_title(each))}</title>
<style>body{{font-family:sans-serif;max-width:60em;margin:2em auto}}table{{border-collapse:collapse}}
th,td{{border:1px solid #ccc;padding:.2em .6em;text-align:left}}td:nth-child(n+3){{text-align:right}}</style>
</head><body>
<h1>mcugen bench: {esc(_title(each))}</h1>
{body}</body></html>
"""
